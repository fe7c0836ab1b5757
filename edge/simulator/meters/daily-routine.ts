/**
 * Time-of-day shapes for simulated households: the hour of day at the estate and smooth bumps of
 * activity around meal and washing times, so readings follow a believable daily routine.
 */

/** China Standard Time, UTC+8: the estates' local time. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

const MS_PER_HOUR = 3_600_000;

/** Hour of day in [0, 24) at the given UTC offset, with fractions (07:30 -> 7.5). */
export function hourOfDay(epochMs: number, utcOffsetMinutes = DEFAULT_UTC_OFFSET_MINUTES): number {
  const local = epochMs + utcOffsetMinutes * 60_000;
  return (((local % (24 * MS_PER_HOUR)) + 24 * MS_PER_HOUR) % (24 * MS_PER_HOUR)) / MS_PER_HOUR;
}

/**
 * A bell of height 1 centred on `center` (hours) with standard deviation `width` (hours), wrapping
 * around midnight so a bump at 23:30 also lifts 00:15.
 */
export function bump(hour: number, center: number, width: number): number {
  const distance = Math.min(Math.abs(hour - center), 24 - Math.abs(hour - center));
  return Math.exp(-(distance * distance) / (2 * width * width));
}

/** 1 inside [start, start + durationHours) (hours, wrapping midnight), else 0. */
export function window(hour: number, start: number, durationHours: number): number {
  const into = (hour - start + 24) % 24;
  return into < durationHours ? 1 : 0;
}

/** A number in [0, 1) fixed by the seed: per-household variation that stays the same across runs. */
export function seededFraction(seed: number, salt: number): number {
  let t = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35)) >>> 0;
  t = Math.imul(t ^ (t >>> 16), 0x7feb352d) >>> 0;
  t = Math.imul(t ^ (t >>> 15), 0x846ca68b) >>> 0;
  return ((t ^ (t >>> 16)) >>> 0) / 4294967296;
}
