import type { ValveState } from '../../../drivers/cjt188/cjt188-status.js';
import { SimulatedWaterMeter } from '../household-water.js';

/**
 * One emulated CJ/T 188 cold water meter: the household water model the Modbus flow meter uses too
 * (a morning shower, kitchen use around meals, an evening wash, nothing at night; volume only
 * grows), its volume moved to a chosen start. The settlement-day volume is the reading at the start
 * of the month (meters settle monthly; the day is vendor-set). Valve and battery are as tests set them.
 */
export interface WaterReadings {
  volumeM3: number;
  settlementVolumeM3: number;
  valve: ValveState;
  batteryLow: boolean;
}

/** A household's use per day, m3, to place the settlement reading before the start. */
const DAILY_USE_M3 = 0.3;
const CHINA_UTC_OFFSET_MS = 8 * 3_600_000;

export class EmulatedWaterMeter {
  valve: ValveState = 'open';
  batteryLow = false;
  private readonly model: SimulatedWaterMeter;
  private readonly offsetM3: number;
  private settlement: { month: number; volumeM3: number };

  constructor(
    readonly address: string,
    seed: number,
    startMs: number,
    startVolumeM3?: number,
  ) {
    this.model = new SimulatedWaterMeter(seed, startMs);
    const initial = this.modelVolume(startMs);
    this.offsetM3 = startVolumeM3 === undefined ? 0 : startVolumeM3 - initial;
    const volume = initial + this.offsetM3;
    const daysIntoMonth = new Date(startMs + CHINA_UTC_OFFSET_MS).getUTCDate() - 1 + 0.5;
    this.settlement = { month: monthOf(startMs), volumeM3: Math.max(0, volume - DAILY_USE_M3 * daysIntoMonth) };
  }

  readingAt(nowMs: number): WaterReadings {
    const volumeM3 = this.modelVolume(nowMs) + this.offsetM3;
    if (monthOf(nowMs) > this.settlement.month) this.settlement = { month: monthOf(nowMs), volumeM3 };
    return { volumeM3, settlementVolumeM3: this.settlement.volumeM3, valve: this.valve, batteryLow: this.batteryLow };
  }

  private modelVolume(nowMs: number): number {
    const reading = this.model.read(nowMs);
    return (reading.forwardLitres + reading.forwardFraction) / 1000;
  }
}

/** Months since year 0 in China Standard Time (UTC+8). */
function monthOf(timeMs: number): number {
  const local = new Date(timeMs + CHINA_UTC_OFFSET_MS);
  return local.getUTCFullYear() * 12 + local.getUTCMonth();
}

