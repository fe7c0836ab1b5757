import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import { clockMinutes, localMinuteOfDay, MS_PER_HOUR, MS_PER_MIN } from '../activity/local-time.js';
import { morningCheckAfter, type FirstActivity } from './morning-routine.js';

/**
 * The inactivity limit for quiet that started at `quietStart`. Quiet that starts in the daytime
 * window and would reach the daytime limit before the window ends is judged on the daytime limit
 * (a fall at 10:00 is noticed at 16:00); quiet that takes in any of the night is judged on the
 * night limit (last seen 21:30, noticed at 09:30 unless the morning check spoke first). The limit
 * never shortens as the quiet goes on, so the morning after a normal night never trips it.
 * Overnight, the limit yields to the resident's own morning: a night deadline that falls in her
 * usual getting-up time, before the morning check, moves to the check (a resident who sleeps
 * 21:00-09:30 is not called at 09:00 when her routine says "up 08:10-09:20, by 11:20"; the check
 * then speaks). A deadline before her mornings begin (last seen 16:30, due 04:30) stays.
 */
export interface InactivityDeadline {
  at: number;
  limitMs: number;
  window: 'day' | 'night';
  /** The night deadline was held to the next morning check. */
  heldToMorning: boolean;
}

export function inactivityDeadline(household: CareHousehold, firsts: readonly FirstActivity[], quietStart: number): InactivityDeadline {
  const limits = household.inactivity;
  const minute = localMinuteOfDay(quietStart, household.utc_offset_min);
  const dayLimitMs = limits.day_limit_h * MS_PER_HOUR;
  const dayFrom = clockMinutes(limits.day_from);
  const dayTo = clockMinutes(limits.day_to);
  if (minute >= dayFrom && minute < dayTo && dayLimitMs <= (dayTo - minute) * MS_PER_MIN) {
    return { at: quietStart + dayLimitMs, limitMs: dayLimitMs, window: 'day', heldToMorning: false };
  }
  const nightLimitMs = limits.night_limit_h * MS_PER_HOUR;
  const at = quietStart + nightLimitMs;
  if (household.morning_check.enabled) {
    const check = morningCheckAfter(household, firsts, quietStart);
    if (check.at > at && at >= check.risingFrom) return { at: check.at, limitMs: nightLimitMs, window: 'night', heldToMorning: true };
  }
  return { at, limitMs: nightLimitMs, window: 'night', heldToMorning: false };
}
