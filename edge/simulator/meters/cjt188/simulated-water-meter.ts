import type { Random } from '../../random.js';
import { householdActivity, localHourOf } from '../household-routine.js';

/**
 * A household cold water meter: taps, showers and the washing machine run in bursts whose
 * likelihood follows the household routine (showers in the morning, cooking and washing in the
 * evening, almost nothing at night). Volume only ever grows. The settlement-day volume is the
 * reading at the start of the month (meters settle monthly; the day is vendor-set).
 */
export interface WaterReadings {
  volumeM3: number;
  settlementVolumeM3: number;
  valve: 'open' | 'closed' | 'abnormal';
  batteryLow: boolean;
}

/** Step of the simulation, ms of simulated time: one minute. */
const STEP_MS = 60_000;
/** Flow of a running tap or shower, litres per minute. */
const FLOW_L_PER_MIN = 7;
/** Chance per minute that water runs at full activity. */
const USE_CHANCE_AT_PEAK = 0.35;

export class SimulatedWaterMeter {
  valve: WaterReadings['valve'] = 'open';
  batteryLow = false;
  private volumeM3: number;
  private settlementVolumeM3: number;
  private settlementMonth: number;
  private lastMs: number;

  constructor(
    readonly address: string,
    private readonly random: Random,
    startMs: number,
    startVolumeM3: number,
  ) {
    this.volumeM3 = startVolumeM3;
    // A month's use of a household (~10 m3) before the start, so the two readings differ.
    this.settlementVolumeM3 = Math.max(0, startVolumeM3 - 3 - random() * 7);
    this.settlementMonth = monthOf(startMs);
    this.lastMs = startMs;
  }

  readingsAt(nowMs: number): WaterReadings {
    while (this.lastMs < nowMs) {
      const step = Math.min(STEP_MS, nowMs - this.lastMs);
      const at = this.lastMs + step;
      const running = this.valve === 'open' && this.random() < USE_CHANCE_AT_PEAK * householdActivity(localHourOf(at));
      if (running) this.volumeM3 += (FLOW_L_PER_MIN * (step / 60_000) * (0.6 + 0.8 * this.random())) / 1000;
      if (monthOf(at) !== this.settlementMonth) {
        this.settlementMonth = monthOf(at);
        this.settlementVolumeM3 = this.volumeM3;
      }
      this.lastMs = at;
    }
    return { volumeM3: this.volumeM3, settlementVolumeM3: this.settlementVolumeM3, valve: this.valve, batteryLow: this.batteryLow };
  }
}

/** Month number in China Standard Time (UTC+8). */
function monthOf(timeMs: number): number {
  const local = new Date(timeMs + 8 * 3_600_000);
  return local.getUTCFullYear() * 12 + local.getUTCMonth();
}
