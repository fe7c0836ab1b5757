import { MS_PER_DAY, MS_PER_HOUR } from '../activity/local-time.js';

/**
 * What the household used, read at every review (decline-check.ts, every six hours at fixed times):
 * the water meters' counters and how many of her switch-ons had counted so far. A day's water and
 * appliances are then the difference between two readings 24 h apart, exactly, whatever the
 * meter's resolution (a 10 L step blurs a flush, not a day), and what is usual is the same 24 h on
 * her own earlier days. A reading notes whether she was away, or a meter had a break in its data,
 * since the one before: a window holding such a reading says nothing of what is usual.
 */
export interface ReviewReading {
  at: number;
  /** The water counters (L), summed; absent when a water meter has not reported a counter. */
  litres?: number;
  /** Her switch-ons that counted as activity so far (care-state.ts HouseholdCareState.switch_ons). */
  ons: number;
  away?: true;
  broken?: true;
}

export interface WindowUse {
  litres?: number;
  ons: number;
  /** Every reading of it found the meters watching. */
  clean: boolean;
}

export interface WindowsCompared {
  /** The last 24 h. */
  last?: WindowUse;
  /** Means over her earlier clean windows at the same hours, and how many there were. */
  usualLitres?: number;
  usualOns: number;
  windows: number;
}

export const reviewsKey = (unitId: string) => `reviews:${unitId}`;
const WINDOW_MS = 24 * MS_PER_HOUR;
const HISTORY_DAYS = 21;
const KEPT_MS = (HISTORY_DAYS + 2) * MS_PER_DAY;
/** Readings of one review time differ by no more than this (a timer fires on time in event time). */
const SAME_TIME_MS = 60_000;
const READINGS_PER_WINDOW = 4;

export function withReading(readings: readonly ReviewReading[] | undefined, reading: ReviewReading): ReviewReading[] {
  return [...(readings ?? []).filter((item) => item.at > reading.at - KEPT_MS && item.at < reading.at), reading];
}

/** The window of 24 h ending at `end`, if its readings are all there and none says away or broken. */
function windowAt(readings: readonly ReviewReading[], end: number, atHome: boolean): WindowUse | undefined {
  const inside = readings.filter((item) => item.at > end - WINDOW_MS - SAME_TIME_MS && item.at <= end + SAME_TIME_MS);
  const first = inside.find((item) => Math.abs(item.at - (end - WINDOW_MS)) <= SAME_TIME_MS);
  const last = inside.find((item) => Math.abs(item.at - end) <= SAME_TIME_MS);
  if (!first || !last) return undefined;
  const within = inside.filter((item) => item.at > first.at);
  const clean = within.length >= READINGS_PER_WINDOW && !within.some((item) => item.broken) && !first.broken;
  if (atHome && (!clean || within.some((item) => item.away))) return undefined;
  const litres = first.litres !== undefined && last.litres !== undefined && last.litres >= first.litres ? last.litres - first.litres : undefined;
  return { ...(litres !== undefined ? { litres } : {}), ons: Math.max(0, last.ons - first.ons), clean };
}

/** The last 24 h against the same hours of her earlier days. */
export function compareWindows(readings: readonly ReviewReading[] | undefined, now: number): WindowsCompared {
  const list = readings ?? [];
  const last = windowAt(list, now, false);
  const history: WindowUse[] = [];
  for (let day = 1; day <= HISTORY_DAYS; day++) {
    const window = windowAt(list, now - day * WINDOW_MS, true);
    if (window) history.push(window);
  }
  const litres = history.flatMap((window) => (window.litres === undefined ? [] : [window.litres]));
  return {
    ...(last ? { last } : {}),
    ...(litres.length > 0 ? { usualLitres: mean(litres) } : {}),
    usualOns: history.length > 0 ? mean(history.map((window) => window.ons)) : 0,
    windows: history.length,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
