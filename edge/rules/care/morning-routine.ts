import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import type { ActivitySignal } from '../activity/activity-signal.js';
import { clockMinutes, isoWeekday, localDayNumber, localMidnight, MIN_PER_DAY } from '../activity/local-time.js';

/**
 * The household's usual first activity of the day, learned from its own history (as home-monitoring
 * products such as Howz learn routines per home), for each kind of day apart: weekdays and weekends
 * (Sunday lie-ins, day-centre days and market mornings differ), with a fixed cold start until
 * min_history_days exist and min_days_per_kind of the kind. The usual window is the interquartile
 * range of the first-activity times of that kind over the last history_days days; the check falls
 * after its upper end by the margin, or by 1.5 x the range when the routine is looser (Tukey's
 * fence), and never before the latest of the same weekday lately plus an hour (a regular late
 * Sunday), nor before the 95th percentile plus TAIL_MARGIN_MIN: with a meter counting in 10 L steps
 * the first sign of some mornings comes hours after she got up, and what is usual includes them (by
 * at most TAIL_REACH_MIN more); nor, while it leaves time before noon, before LATE_MORNING_MIN
 * after the usual window (a late morning now and then is every resident's). It comes by latest_check
 * all the same (a night fall is to be noticed by noon), unless her usual window ends so late that the
 * check must follow it by an hour. While a kind is still being learned the check waits learning_margin_min longer, after
 * the enrollment's "gets up about" or the latest morning seen so far, and the window begins at the
 * earlier of "gets up about" and the lower quartile of the mornings seen so far.
 */
export interface FirstActivity {
  /** Local day number (days start at morning_check.day_starts_at). */
  day: number;
  /** Minutes after local midnight. */
  minute: number;
  signal: ActivitySignal;
  /** Minutes from it to her next sign that day (a 10 L meter may stay silent over a flush). */
  gap?: number;
}

export type DayKind = 'weekday' | 'weekend' | 'any';

export interface MorningRoutine {
  learned: boolean;
  /** The kind of day it is the routine of. */
  kind: DayKind;
  /** Days of history behind it (of every kind). */
  days: number;
  /** The usual window of first activity, minutes after local midnight. */
  usualFrom: number;
  usualTo: number;
  /** The signal most often first (for "usually first water use 06:40-07:30"). */
  signal: ActivitySignal | undefined;
  /** No activity by this time (minutes after local midnight) is worth a visit. */
  checkAt: number;
  /** The margin was widened to how far apart her first signs of the morning often come, minutes. */
  signGapMin?: number;
}

/**
 * A sighting up to this long before the usual getting-up window may be getting up; earlier, it is
 * a night-time trip (care-state.ts DayStart).
 */
export const EARLY_RISING_SLACK_MIN = 60;

/**
 * While a routine is learned, her usual window begins at the lower quartile of the mornings seen so
 * far once there are this many, if that is earlier than the enrollment's "gets up about": stated
 * to the half hour and often misjudged (a resident who says 08:00 and is up at 06:40 on a quarter
 * of her days boils the kettle in what would otherwise be taken for her sleep hours).
 */
const EARLY_HISTORY_NEEDED = 4;
/** Interquartile fence factor (Tukey). */
const FENCE_IQR = 1.5;
/** The 95th percentile of first activity, plus this (but no more than TAIL_REACH_MIN past the fence), bounds the check from below. */
const TAIL_QUANTILE = 0.95;
const TAIL_MARGIN_MIN = 30;
const TAIL_REACH_MIN = 120;
/**
 * The margin is at least how far apart her first and second signs of the morning come on nine days
 * in ten, and half an hour: with a meter counting in 10 L steps the first flush often shows nothing,
 * and her first sign is then the next use, an hour or two later. Learned once this many days have
 * two signs (of any kind of day: it is her meters and habits, not the day).
 */
const GAP_QUANTILE = 0.9;
const GAP_SLACK_MIN = 30;
const GAPS_NEEDED = 7;
/** A check held by latest_check still follows the usual window by this. */
const LATE_WINDOW_SLACK_MIN = 60;
/**
 * However regular her mornings, a morning that begins hours late comes to every resident now and
 * then (a lie-in after a bad night; up, but no water or power used for two or three hours), and her
 * own spread does not foretell it: on the household simulator (seeds 1-16, 16,700 learned mornings),
 * first signs 2-4 h after the upper quartile of the usual window (and before noon) came on 3.8, 6.0
 * and 4.8 mornings in a thousand of residents whose usual window spans under 30 min, 30-60 min and
 * more. A night fall is to be found by noon, so the check waits LATE_MORNING_MIN after the usual
 * window, as long as that is LATE_MORNING_SPARE_MIN before latest_check (11:00 by default: an hour
 * before noon for the visit).
 */
const LATE_MORNING_MIN = 240;
const LATE_MORNING_SPARE_MIN = 30;
/** The latest of the same weekday lately, plus this, bounds the check from below. */
const SAME_WEEKDAY_SLACK_MIN = 60;
const SAME_WEEKDAY_NEEDED = 2;

/**
 * Routines worked out per history array (rule state replaces the array when it changes), a few days
 * each: a busy household's every reading asks for one, and the answer only changes once a day.
 */
const routineCache = new WeakMap<readonly FirstActivity[], { household: CareHousehold; byDay: Map<number, MorningRoutine> }>();
const DAYS_CACHED = 4;

export function morningRoutine(household: CareHousehold, firsts: readonly FirstActivity[], beforeDay: number): MorningRoutine {
  let cached = routineCache.get(firsts);
  if (!cached || cached.household !== household) routineCache.set(firsts, (cached = { household, byDay: new Map() }));
  const known = cached.byDay.get(beforeDay);
  if (known) return known;
  const routine = learnRoutine(household, firsts, beforeDay);
  if (cached.byDay.size >= DAYS_CACHED) cached.byDay.delete(cached.byDay.keys().next().value!);
  cached.byDay.set(beforeDay, routine);
  return routine;
}

function learnRoutine(household: CareHousehold, firsts: readonly FirstActivity[], beforeDay: number): MorningRoutine {
  const check = household.morning_check;
  const kindOf = (day: number): DayKind => (!check.by_kind_of_day ? 'any' : isoWeekday(day) >= 6 ? 'weekend' : 'weekday');
  const kind = kindOf(beforeDay);
  const history = firsts.filter((first) => first.day < beforeDay && first.day >= beforeDay - check.history_days);
  const ofKind = history.filter((first) => kindOf(first.day) === kind);
  const latest = (usualTo: number) => Math.min(Math.max(clockMinutes(check.latest_check), usualTo + LATE_WINDOW_SLACK_MIN), clockMinutes(check.day_starts_at) + MIN_PER_DAY - 1);
  const minutes = ofKind.map((first) => first.minute).sort((a, b) => a - b);
  if (history.length < check.min_history_days || ofKind.length < check.min_days_per_kind) {
    const usual = clockMinutes(check.default_first_activity);
    const seen = history.map((first) => first.minute).sort((a, b) => a - b);
    const latestSeen = Math.max(usual, ...seen);
    // Her mornings so far say when they begin better than a rounded "gets up about" does.
    const earliest = seen.length >= EARLY_HISTORY_NEEDED ? Math.min(usual, Math.round(quantile(seen, 0.25))) : usual;
    return { learned: false, kind, days: history.length, usualFrom: earliest, usualTo: usual, signal: undefined, checkAt: Math.min(latestSeen + check.margin_min + check.learning_margin_min, latest(usual)) };
  }
  const usualFrom = Math.round(quantile(minutes, 0.25));
  const usualTo = Math.round(quantile(minutes, 0.75));
  // How far apart her first signs come is a matter of her meters and habits, not of the kind of day.
  const gaps = history.flatMap((first) => (first.gap === undefined ? [] : [first.gap])).sort((a, b) => a - b);
  const signGap = gaps.length >= GAPS_NEEDED ? Math.round(quantile(gaps, GAP_QUANTILE)) + GAP_SLACK_MIN : 0;
  const margin = Math.max(check.margin_min, signGap);
  const fence = usualTo + Math.max(margin, FENCE_IQR * (usualTo - usualFrom));
  const tail = Math.min(quantile(minutes, TAIL_QUANTILE) + TAIL_MARGIN_MIN, fence + TAIL_REACH_MIN);
  const sameWeekday = ofKind.filter((first) => isoWeekday(first.day) === isoWeekday(beforeDay)).map((first) => first.minute);
  const weekdayFloor = sameWeekday.length >= SAME_WEEKDAY_NEEDED ? Math.max(...sameWeekday) + SAME_WEEKDAY_SLACK_MIN : 0;
  const lateMorning = Math.min(usualTo + LATE_MORNING_MIN, clockMinutes(check.latest_check) - LATE_MORNING_SPARE_MIN);
  const checkAt = Math.min(Math.round(Math.max(fence, tail, weekdayFloor, lateMorning)), latest(usualTo));
  // The wait is said to be for her first signs' gap only when that gap is what set it.
  const byGap = signGap > check.margin_min && checkAt === Math.min(Math.round(fence), latest(usualTo)) && fence >= Math.max(tail, weekdayFloor, lateMorning);
  return {
    learned: true,
    kind,
    days: history.length,
    usualFrom,
    usualTo,
    signal: mostFrequent(ofKind.map((first) => first.signal)),
    checkAt,
    ...(byGap ? { signGapMin: signGap } : {}),
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
