import type { RawPointValue } from '../bus/polled-protocol.js';

/** The transform part of a profile point (edge/profiles/polled-profile.ts). */
export interface PointTransform {
  name: string;
  scale: number;
  offset: number;
  min?: number | undefined;
  max?: number | undefined;
}

export type TransformResult = { ok: true; point: string; value: number } | { ok: false; point: string; message: string };

/**
 * The one place a raw wire number becomes a reading value, for every polled driver (conventions.md 3):
 *   1. value = raw x scale + offset
 *   2. a value that is not finite, or outside [min, max] when the profile sets them, is refused.
 * Drivers deliver raw numbers only (data type, word order and BCD decoded); they never scale.
 */
export function transformPoint(point: PointTransform, raw: number): TransformResult {
  const value = raw * point.scale + point.offset;
  if (!Number.isFinite(value)) return { ok: false, point: point.name, message: `${point.name}: raw ${raw} gives no finite value` };
  if (point.min !== undefined && value < point.min) return { ok: false, point: point.name, message: `${point.name}: ${value} is below the minimum ${point.min}` };
  if (point.max !== undefined && value > point.max) return { ok: false, point: point.name, message: `${point.name}: ${value} is above the maximum ${point.max}` };
  return { ok: true, point: point.name, value };
}

/** Transforms a poll's raw values by the profile's points; values for unknown points are refused. */
export function transformAll(points: ReadonlyMap<string, PointTransform>, raws: readonly RawPointValue[]): TransformResult[] {
  return raws.map(({ point, raw }) => {
    const definition = points.get(point);
    return definition ? transformPoint(definition, raw) : { ok: false, point, message: `${point}: not a point of the profile` };
  });
}
