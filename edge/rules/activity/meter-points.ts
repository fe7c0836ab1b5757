import type { ReadingItem } from '../../../shared/contract/index.js';
import type { ReadingFrame } from '../../model/device-data.js';
import type { MeterSample } from './meter-track.js';

/**
 * What a meter's frame says in the units the rules think in, whatever profile it came from
 * (device-profiles/*.yaml): water volume in m3 and flow in m3/h, electric power in W and energy in
 * kWh. Point names differ per profile; the unit each reading carries decides the conversion.
 */

/** Cumulative water volume: CJ/T 188 current_volume; else TUF-2000 forward_total + forward_total_fraction. */
const WATER_VOLUME_POINTS = ['current_volume'] as const;
const WATER_TOTAL_POINTS = ['forward_total'] as const;
const WATER_TOTAL_FRACTION_POINTS = ['forward_total_fraction'] as const;
/** Instantaneous flow: TUF-2000 flow_rate. */
const WATER_FLOW_POINTS = ['flow_rate'] as const;
/** Instantaneous active power: SDM120 / DL/T 645 active_power, SDM630 total_power. */
const POWER_POINTS = ['active_power', 'total_power'] as const;
/** Cumulative imported energy: SDM120/630 import_energy, DL/T 645 forward_active_energy. */
const ENERGY_POINTS = ['import_energy', 'forward_active_energy'] as const;

const VOLUME_TO_M3: Readonly<Record<string, number>> = { m3: 1, L: 0.001 };
const FLOW_TO_M3H: Readonly<Record<string, number>> = { 'm3/h': 1, 'L/h': 0.001 };
const POWER_TO_W: Readonly<Record<string, number>> = { W: 1, kW: 1000 };
const ENERGY_TO_KWH: Readonly<Record<string, number>> = { kWh: 1 };

export interface WaterSample {
  /** Counter reading, m3; undefined when the frame carries none. */
  volumeM3: number | undefined;
  /** Flow, m3/h; negative is reverse flow. */
  flowM3h: number | undefined;
}

export interface ElectricitySample {
  powerW: number | undefined;
  energyKwh: number | undefined;
}

/**
 * The frame's water sample, or undefined for a frame without water points. The care and the leak
 * rule both ask for each frame in turn: the last frame's answer is kept and handed out again, the
 * same object (read it, do not change it).
 */
export function waterSample(frame: ReadingFrame): Readonly<WaterSample> | undefined {
  if (frame !== lastWater.frame) {
    lastWater.frame = frame;
    lastWater.sample = readWaterSample(frame);
  }
  return lastWater.sample;
}

const lastWater: { frame: ReadingFrame | undefined; sample: WaterSample | undefined } = { frame: undefined, sample: undefined };

function readWaterSample(frame: ReadingFrame): WaterSample | undefined {
  const volume = converted(frame, WATER_VOLUME_POINTS, VOLUME_TO_M3) ?? totalVolume(frame);
  const flowM3h = converted(frame, WATER_FLOW_POINTS, FLOW_TO_M3H);
  if (volume === undefined && flowM3h === undefined) return undefined;
  return { volumeM3: volume, flowM3h };
}

export function electricitySample(frame: ReadingFrame): ElectricitySample | undefined {
  const powerW = converted(frame, POWER_POINTS, POWER_TO_W);
  const energyKwh = converted(frame, ENERGY_POINTS, ENERGY_TO_KWH);
  if (powerW === undefined && energyKwh === undefined) return undefined;
  return { powerW, energyKwh };
}

/** TUF-2000's total, in two registers: the whole cubic metres and the fraction. */
function totalVolume(frame: ReadingFrame): number | undefined {
  const whole = converted(frame, WATER_TOTAL_POINTS, VOLUME_TO_M3);
  return whole === undefined ? undefined : whole + (converted(frame, WATER_TOTAL_FRACTION_POINTS, VOLUME_TO_M3) ?? 0);
}

/**
 * The value of the first of `points` the frame carries in a unit it knows, converted; plain loops
 * and no object per call: every rule reads every meter frame through here.
 */
function converted(frame: ReadingFrame, points: readonly string[], factors: Readonly<Record<string, number>>): number | undefined {
  const { readings } = frame;
  for (const point of points) {
    for (let index = 0; index < readings.length; index++) {
      const reading: ReadingItem = readings[index]!;
      if (reading.point !== point) continue;
      const factor = factors[reading.unit];
      if (factor === undefined) break;
      return reading.value * factor;
    }
  }
  return undefined;
}

/** m3 -> L and m3/h -> L/h; kWh/h -> W: both 1000. */
const PER_THOUSAND = 1000;

/**
 * A water frame for a meter track: the rate judged in L/h from the counter (every litre between
 * polls), else from the flow point; a gap in the frames is bridged by the counter.
 */
export function waterMeterSample(sample: WaterSample): MeterSample {
  return {
    counter: sample.volumeM3,
    spotRate: sample.flowM3h === undefined ? undefined : sample.flowM3h * PER_THOUSAND,
    counterPerHourToRate: PER_THOUSAND,
    prefer: 'counter',
    bridgeGaps: true,
  };
}

/**
 * An electricity frame for a meter track: the rate judged in W from the power point first. A DL/T
 * 645 energy counter counts 0.01 kWh (XXXXXX.XX), 120 W over a 5-minute poll: too coarse to tell a
 * switch-on from standby; it serves only meters without a power point.
 */
export function electricityMeterSample(sample: ElectricitySample): MeterSample {
  return { counter: sample.energyKwh, spotRate: sample.powerW, counterPerHourToRate: PER_THOUSAND, prefer: 'spot', bridgeGaps: false };
}
