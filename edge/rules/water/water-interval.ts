/**
 * What a water meter measured between two of its frames: litres over (from, to], or unknown (a gap
 * the counter did not bridge), and whether the meter showed flow at the end.
 */
export interface WaterInterval {
  from: number | undefined;
  to: number;
  /** Litres used in the interval; undefined when the interval is not known. */
  litres: number | undefined;
  /** The counter bridged a gap in the frames: the total is known, not when it was used. */
  bridged: boolean;
  /** The meter's flow point showed flow at `to`. */
  flowing: boolean;
}

/**
 * The share of `litres` used inside [start, end) when used evenly over (from, to]: a known
 * interval's, passed as numbers (no object per slot for the narrowing).
 */
export function shareIn(from: number, to: number, litres: number, start: number, end: number): number {
  const span = to - from;
  if (span <= 0) return 0;
  const overlap = Math.max(0, Math.min(end, to) - Math.max(start, from));
  return (litres * overlap) / span;
}
