import type { RawPointValue } from '../bus/polled-protocol.js';

/** The transform part of a profile point (edge/profiles/polled-profile.ts). */
export interface PointTransform {
  name: string;
  scale: number;
  offset: number;
  /** From the device's unit to the reading's (edge/profiles/reading-units.ts); 1 when left out. */
  toReadingUnit?: number;
  min?: number | undefined;
  max?: number | undefined;
}

/** Digits a reading value keeps; float64 carries 15-17. */
const SIGNIFICANT_DIGITS = 12;

export type TransformResult = { ok: true; point: string; value: number } | { ok: false; point: string; message: string };

/**
 * The one place a raw wire number becomes a reading value, for every polled driver:
 *   1. value = (raw x scale + offset) x toReadingUnit: the device's number in its unit, converted to
 *      the reading's (a DL/T 645 meter's 0.4567 kW is 456.7 W), kept to 12 significant digits so
 *      binary fractions do not leak into readings (652 x 0.1 is 65.20000000000001 in float64; 12
 *      digits still hold any meter's resolution: 999999.99 kWh needs 8);
 *   2. a value that is not finite, or outside [min, max] when the profile sets them, is refused.
 * Drivers deliver raw numbers only (data type, word order and BCD decoded); they never scale.
 */
export function transformPoint(point: PointTransform, raw: number): TransformResult {
  const value = readingValue(raw * point.scale + point.offset, point.toReadingUnit);
  if (!Number.isFinite(value)) return { ok: false, point: point.name, message: `${point.name}: raw ${raw} gives no finite value` };
  if (point.min !== undefined && value < point.min) return { ok: false, point: point.name, message: `${point.name}: ${value} is below the minimum ${point.min}` };
  if (point.max !== undefined && value > point.max) return { ok: false, point: point.name, message: `${point.name}: ${value} is above the maximum ${point.max}` };
  return { ok: true, point: point.name, value };
}

/** A device's value in the reading's unit, kept to 12 significant digits (transformPoint, step 1). */
export function readingValue(deviceValue: number, toReadingUnit = 1): number {
  return Number((deviceValue * toReadingUnit).toPrecision(SIGNIFICANT_DIGITS));
}

/** Transforms a poll's raw values by the profile's points; values for unknown points are refused. */
export function transformAll(points: ReadonlyMap<string, PointTransform>, raws: readonly RawPointValue[]): TransformResult[] {
  return raws.map(({ point, raw }) => {
    const definition = points.get(point);
    return definition ? transformPoint(definition, raw) : { ok: false, point, message: `${point}: not a point of the profile` };
  });
}
