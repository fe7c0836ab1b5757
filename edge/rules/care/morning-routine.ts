import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import type { ActivitySignal } from '../activity/activity-signal.js';
import { clockMinutes, localDayNumber, localMidnight, MIN_PER_DAY } from '../activity/local-time.js';

/**
 * The household's usual first activity of the day, learned from its own history (Howz and Jane
 * learn routines per home, field-lessons.md), with a fixed cold start until min_history_days exist.
 * The usual window is the interquartile range of the first-activity times of the most recent
 * history_days days; the check falls after its upper end by the margin, or by 1.5 x the range when
 * the routine is looser (Tukey's fence), so a resident whose mornings vary is not called early.
 */
export interface FirstActivity {
  /** Local day number (days start at morning_check.day_starts_at). */
  day: number;
  /** Minutes after local midnight. */
  minute: number;
  signal: ActivitySignal;
}

export interface MorningRoutine {
  learned: boolean;
  /** Days of history behind it. */
  days: number;
  /** The usual window of first activity, minutes after local midnight. */
  usualFrom: number;
  usualTo: number;
  /** The signal most often first (for "usually first water use 06:40-07:30"). */
  signal: ActivitySignal | undefined;
  /** No activity by this time (minutes after local midnight) is worth a visit. */
  checkAt: number;
}

/**
 * A sighting up to this long before the usual getting-up window may be getting up; earlier, it is
 * a night-time trip (care-state.ts DayStart).
 */
export const EARLY_RISING_SLACK_MIN = 60;

/** Interquartile fence factor (Tukey). */
const FENCE_IQR = 1.5;

/**
 * The last routine worked out per history array (rule state replaces the array when it changes):
 * a busy household's every sighting asks for it, and the answer only changes once a day.
 */
const routineCache = new WeakMap<readonly FirstActivity[], { household: CareHousehold; day: number; routine: MorningRoutine }>();

export function morningRoutine(household: CareHousehold, firsts: readonly FirstActivity[], beforeDay: number): MorningRoutine {
  const cached = routineCache.get(firsts);
  if (cached && cached.household === household && cached.day === beforeDay) return cached.routine;
  const routine = learnRoutine(household, firsts, beforeDay);
  routineCache.set(firsts, { household, day: beforeDay, routine });
  return routine;
}

function learnRoutine(household: CareHousehold, firsts: readonly FirstActivity[], beforeDay: number): MorningRoutine {
  const check = household.morning_check;
  const history = firsts.filter((first) => first.day < beforeDay).slice(-check.history_days);
  const latestCheck = clockMinutes(check.day_starts_at) + MIN_PER_DAY - 1;
  if (history.length < check.min_history_days) {
    const usual = clockMinutes(check.default_first_activity);
    return { learned: false, days: history.length, usualFrom: usual, usualTo: usual, signal: undefined, checkAt: Math.min(usual + check.margin_min, latestCheck) };
  }
  const minutes = history.map((first) => first.minute).sort((a, b) => a - b);
  const usualFrom = Math.round(quantile(minutes, 0.25));
  const usualTo = Math.round(quantile(minutes, 0.75));
  const margin = Math.max(check.margin_min, FENCE_IQR * (usualTo - usualFrom));
  return {
    learned: true,
    days: history.length,
    usualFrom,
    usualTo,
    signal: mostFrequent(history.map((first) => first.signal)),
    checkAt: Math.min(Math.round(usualTo + margin), latestCheck),
  };
}

/** Linear interpolation between closest ranks (R type 7) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? 0;
  const high = sorted[above] ?? low;
  return low + (high - low) * (position - below);
}

function mostFrequent<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** The day an instant belongs to for the morning check (days start at day_starts_at). */
export function morningDay(household: CareHousehold, at: number): number {
  return localDayNumber(at, household.utc_offset_min, clockMinutes(household.morning_check.day_starts_at));
}

/** When the morning check of a day falls (engine time). */
export function morningCheckTime(household: CareHousehold, firsts: readonly FirstActivity[], day: number): number {
  return localMidnight(day, household.utc_offset_min, morningRoutine(household, firsts, day).checkAt);
}

/**
 * The first morning check after `after` (that day's if still ahead, else the next day's), and
 * when that morning may begin: EARLY_RISING_SLACK_MIN before the usual getting-up window.
 */
export function morningCheckAfter(household: CareHousehold, firsts: readonly FirstActivity[], after: number): { at: number; risingFrom: number } {
  const day = morningDay(household, after);
  const offset = household.utc_offset_min;
  let routine = morningRoutine(household, firsts, day);
  let checkDay = day;
  if (localMidnight(day, offset, routine.checkAt) <= after) {
    checkDay = day + 1;
    routine = morningRoutine(household, firsts, checkDay);
  }
  return { at: localMidnight(checkDay, offset, routine.checkAt), risingFrom: localMidnight(checkDay, offset, routine.usualFrom - EARLY_RISING_SLACK_MIN) };
}

export function nextMorningCheck(household: CareHousehold, firsts: readonly FirstActivity[], after: number): number {
  return morningCheckAfter(household, firsts, after).at;
}
