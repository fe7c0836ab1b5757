import { hourOfDay, seededFraction, window } from './daily-routine.js';

/**
 * A household's water use as a TUF-2000-style flow meter would measure it: no flow at night, a
 * morning shower, kitchen use around meals and an evening wash, and a forward accumulator in litres
 * that integrates the flow and only ever grows.
 */

export interface WaterReading {
  flowRateM3h: number;
  velocityMs: number;
  /** Forward volume in litres: whole litres and the fraction of one. */
  forwardLitres: number;
  forwardFraction: number;
  reverseLitres: number;
}

/** Periods of use: start hour, duration in hours, flow in m3/h. */
const USES: ReadonlyArray<readonly [number, number, number]> = [
  [6.9, 0.2, 0.55], // morning shower
  [7.4, 0.1, 0.25], // breakfast, kitchen tap
  [11.8, 0.15, 0.2], // lunch
  [18.2, 0.25, 0.25], // cooking
  [19.3, 0.1, 0.3], // dishes
  [21.3, 0.25, 0.5], // evening wash
];

const INTEGRATION_STEP_MS = 10_000;
/** A DN20 pipe: inner radius 10 mm, area pi x 0.01^2 = 3.14e-4 m2. */
const PIPE_AREA_M2 = Math.PI * 0.01 * 0.01;

export class SimulatedWaterMeter {
  private litres: number;
  private integratedUntil: number;
  private readonly shiftHours: number;
  private readonly usage: number;
  private unattendedFromMs = Number.POSITIVE_INFINITY;

  constructor(seed: number, startMs: number, private readonly utcOffsetMinutes?: number) {
    this.shiftHours = (seededFraction(seed, 11) - 0.5) * 1.5;
    this.usage = 0.6 + 0.8 * seededFraction(seed, 12);
    this.litres = 20_000 + 300_000 * seededFraction(seed, 13);
    this.integratedUntil = startMs;
  }

  /** From this instant on no tap is opened (a fall): the meter stands still. */
  leaveUnattended(atMs: number): void {
    this.unattendedFromMs = Math.min(this.unattendedFromMs, atMs);
  }

  read(nowMs: number): WaterReading {
    this.integrate(nowMs);
    const flowRateM3h = this.flow(nowMs);
    return {
      flowRateM3h,
      // v = Q / A, Q in m3/s
      velocityMs: flowRateM3h / 3600 / PIPE_AREA_M2,
      forwardLitres: Math.floor(this.litres),
      forwardFraction: this.litres - Math.floor(this.litres),
      reverseLitres: 0,
    };
  }

  private integrate(nowMs: number): void {
    while (this.integratedUntil < nowMs) {
      const step = Math.min(INTEGRATION_STEP_MS, nowMs - this.integratedUntil);
      // m3/h -> L/ms: x 1000 L / 3,600,000 ms
      this.litres += (this.flow(this.integratedUntil) * 1000 * step) / 3_600_000;
      this.integratedUntil += step;
    }
  }

  private flow(ms: number): number {
    if (ms >= this.unattendedFromMs) return 0;
    const hour = hourOfDay(ms, this.utcOffsetMinutes) - this.shiftHours;
    let flow = 0;
    for (const [start, duration, rate] of USES) flow += window(hour, start, duration) * rate;
    return flow * this.usage;
  }
}
