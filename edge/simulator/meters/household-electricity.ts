import { bump, hourOfDay, seededFraction } from './daily-routine.js';

/**
 * A household's single-phase supply as an SDM120 would measure it: voltage 225-233 V, current
 * following the day (night standby around 0.3 A, breakfast, lunch and an evening peak near 5 A),
 * power = V x I x pf, and import energy integrating power over time, so it only ever grows.
 */

export interface ElectricityReading {
  voltage: number;
  current: number;
  activePower: number;
  apparentPower: number;
  reactivePower: number;
  powerFactor: number;
  frequency: number;
  importEnergyKwh: number;
  exportEnergyKwh: number;
  totalEnergyKwh: number;
}

/** Integration step of the energy counter: power is taken as constant over at most this long. */
const INTEGRATION_STEP_MS = 60_000;
const MS_PER_HOUR = 3_600_000;
/** What the home draws with nobody using it (fridge, router, appliances on standby), in amperes. */
const STANDBY_AMPS = 0.3;

export class SimulatedElectricityMeter {
  private energyKwh: number;
  private integratedUntil: number;
  /** This household's habits: how much it uses and how late it gets up. */
  private readonly usage: number;
  private readonly shiftHours: number;
  /** From this instant on nobody switches anything on: only the unattended standby load remains. */
  private unattendedFromMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly seed: number,
    startMs: number,
    private readonly utcOffsetMinutes?: number,
  ) {
    this.usage = 0.7 + 0.6 * seededFraction(seed, 1);
    this.shiftHours = (seededFraction(seed, 2) - 0.5) * 1.5;
    this.energyKwh = 800 + 4000 * seededFraction(seed, 3);
    this.integratedUntil = startMs;
  }

  /** The resident stops using anything from `atMs` (a fall): the meter shows standby only. */
  leaveUnattended(atMs: number): void {
    this.unattendedFromMs = Math.min(this.unattendedFromMs, atMs);
  }

  /** The reading at `nowMs`; `noise` in [0, 1) jitters the instantaneous values by about 1 %. */
  read(nowMs: number, noise: () => number): ElectricityReading {
    this.integrate(nowMs);
    const jitter = () => 1 + (noise() - 0.5) * 0.02;
    const voltage = this.voltage(nowMs) + (noise() - 0.5) * 1.5;
    const current = this.current(nowMs) * jitter();
    const powerFactor = Math.min(0.99, this.powerFactor(nowMs) * jitter());
    const apparentPower = voltage * current;
    const activePower = apparentPower * powerFactor;
    return {
      voltage,
      current,
      activePower,
      apparentPower,
      // Q = sqrt(S^2 - P^2)
      reactivePower: Math.sqrt(Math.max(0, apparentPower * apparentPower - activePower * activePower)),
      powerFactor,
      frequency: 50 + (noise() - 0.5) * 0.06,
      importEnergyKwh: this.energyKwh,
      exportEnergyKwh: 0,
      totalEnergyKwh: this.energyKwh,
    };
  }

  /** Adds the energy used since the last call, in steps of at most a minute (a step: P x dt). */
  private integrate(nowMs: number): void {
    while (this.integratedUntil < nowMs) {
      const step = Math.min(INTEGRATION_STEP_MS, nowMs - this.integratedUntil);
      const powerW = this.voltage(this.integratedUntil) * this.current(this.integratedUntil) * this.powerFactor(this.integratedUntil);
      this.energyKwh += (powerW / 1000) * (step / MS_PER_HOUR);
      this.integratedUntil += step;
    }
  }

  /** 229 V +- 3 V over the day (the evening peak pulls the supply down). */
  private voltage(ms: number): number {
    const hour = hourOfDay(ms, this.utcOffsetMinutes);
    return 231 - 4 * bump(hour, 19.5, 2) + 2 * Math.sin((2 * Math.PI * (hour + this.seed)) / 24) * 0.5;
  }

  /** Standby plus meal-time and evening bumps, shifted and scaled per household. */
  private current(ms: number): number {
    if (ms >= this.unattendedFromMs) return STANDBY_AMPS * this.usage;
    const hour = hourOfDay(ms, this.utcOffsetMinutes) - this.shiftHours;
    const amps = STANDBY_AMPS + 3.2 * bump(hour, 7.25, 0.6) + 1.8 * bump(hour, 12, 0.7) + 4.8 * bump(hour, 19.5, 1.4) + 0.6 * bump(hour, 15, 2.5);
    return amps * this.usage;
  }

  /** Resistive loads (kettle, cooker) in the peaks raise the power factor; standby motors lower it. */
  private powerFactor(ms: number): number {
    const hour = hourOfDay(ms, this.utcOffsetMinutes) - this.shiftHours;
    return 0.86 + 0.1 * Math.max(bump(hour, 7.25, 0.6), bump(hour, 12, 0.7), bump(hour, 19.5, 1.4));
  }
}
