import type { Random } from '../../random.js';
import { householdActivity, localHourOf } from '../household-routine.js';

/**
 * A single-phase household electricity meter: power follows the household routine (a fridge and
 * standby load all day, peaks in the morning and evening), forward active energy is the integral of
 * that power and so only ever grows. Voltage sags a little under load around 220 V.
 */
export interface ElectricityReadings {
  forwardEnergyKwh: number;
  reverseEnergyKwh: number;
  voltageV: number;
  currentA: number;
  powerKw: number;
  powerFactor: number;
  frequencyHz: number;
}

/** Always-on load (fridge, router, standby), kW. */
const BASE_LOAD_KW = 0.12;
/** Load at full activity (cooking, kettle, washing machine, air conditioning), kW. */
const PEAK_EXTRA_KW = 2.2;
/** Integration step, ms of simulated time. */
const STEP_MS = 10_000;
const NOMINAL_VOLTAGE_V = 220;

export class SimulatedElectricityMeter {
  private energyKwh: number;
  private lastMs: number;
  private powerKw = 0;
  private voltageV = NOMINAL_VOLTAGE_V;
  private powerFactor = 0.95;
  private frequencyHz = 50;

  constructor(
    readonly address: string,
    private readonly random: Random,
    startMs: number,
    startEnergyKwh: number,
  ) {
    this.energyKwh = startEnergyKwh;
    this.lastMs = startMs;
    this.drawWindow(startMs);
  }

  /**
   * Advances to `nowMs` (never backwards) and returns what the meter shows then. Load, voltage and
   * power factor hold for a STEP_MS window, so readings taken together (one poll) agree:
   * I = P / (U x pf).
   */
  readingsAt(nowMs: number): ElectricityReadings {
    while (this.lastMs < nowMs) {
      const windowEnd = (Math.floor(this.lastMs / STEP_MS) + 1) * STEP_MS;
      const until = Math.min(windowEnd, nowMs);
      this.energyKwh += (this.powerKw * (until - this.lastMs)) / 3_600_000;
      this.lastMs = until;
      if (until === windowEnd) this.drawWindow(until);
    }
    return {
      forwardEnergyKwh: this.energyKwh,
      reverseEnergyKwh: 0,
      voltageV: this.voltageV,
      currentA: (this.powerKw * 1000) / (this.voltageV * this.powerFactor),
      powerKw: this.powerKw,
      powerFactor: this.powerFactor,
      frequencyHz: this.frequencyHz,
    };
  }

  /** The load of the window starting at `timeMs`: the routine sets the level, jitter its swing. */
  private drawWindow(timeMs: number): void {
    const activity = householdActivity(localHourOf(timeMs));
    this.powerKw = BASE_LOAD_KW + PEAK_EXTRA_KW * activity * (0.5 + this.random());
    // Voltage: a slow wander of a few volts plus a sag of ~1 V per kW drawn.
    const target = NOMINAL_VOLTAGE_V + 3 - this.powerKw;
    this.voltageV = Math.min(235, Math.max(205, this.voltageV + (this.random() - 0.5) * 0.6 + (target - this.voltageV) * 0.05));
    this.powerFactor = 0.93 + this.random() * 0.05;
    this.frequencyHz = 50 + (this.random() - 0.5) * 0.06;
  }
}
