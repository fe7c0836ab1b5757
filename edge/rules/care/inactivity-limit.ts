import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import { clockMinutes, localDayNumber, localMidnight, localMinuteOfDay, MS_PER_HOUR } from '../activity/local-time.js';
import { DOOR_PASSAGE_MS } from '../activity/household-activity.js';
import type { HouseholdCareState } from './care-state.js';
import { EARLY_RISING_SLACK_MIN, morningCheckAfter, morningDay, morningRoutine } from './morning-routine.js';
import { learnedDayLimit, type LearnedLimit, type QuietOpening } from './quiet-lengths.js';

/**
 * The inactivity deadline for quiet that started at `quietStart`.
 * - Daytime quiet: it starts in the daytime window (or after the resident got up that morning)
 *   and the configured daytime limit ends by the end of the window: judged on the daytime limit,
 *   stretched by the household's own quiet lengths (quiet-lengths.ts) but never past the end of the
 *   window (a fall at 10:00 is noticed at 16:00; a frugal resident's 7 h afternoons are hers; quiet
 *   from 17:00 is looked at by 23:00).
 * - Evening and night quiet: judged by the morning (the morning check, on her own routine) and the
 *   night limit, whichever is later: a deadline before her morning check waits for it, so a late
 *   riser who went quiet at 18:00 is not called at 06:00. The limit never shortens as the quiet
 *   goes on, so the morning after a normal night never trips it.
 */
export interface InactivityDeadline {
  at: number;
  limitMs: number;
  window: 'day' | 'night';
  /** The night deadline was held to the next morning check. */
  heldToMorning: boolean;
  /** The daytime limit was stretched by the household's own quiet lengths, or cut at the end of the day. */
  learned?: LearnedLimit['basis'];
  cutAtEvening?: boolean;
}

/**
 * Quiet from `at` is daytime quiet: inside the daytime window, or in her usual rising hour or later
 * once she got up (up at 05:30, quiet from 05:40), never in the small hours (two trips to the
 * toilet at 04:00 are not a night owl's morning).
 */
export function startsDaytime(household: CareHousehold, state: HouseholdCareState, at: number): boolean {
  const limits = household.inactivity;
  const minute = localMinuteOfDay(at, household.utc_offset_min);
  if (minute >= clockMinutes(limits.day_to)) return false;
  if (minute >= clockMinutes(limits.day_from)) return true;
  const up = state.today?.up;
  const day = morningDay(household, at);
  if (up === undefined || at < up.at || morningDay(household, up.at) !== day || minute < clockMinutes(household.morning_check.day_starts_at)) return false;
  return minute >= morningRoutine(household, state.firsts, day).usualFrom - EARLY_RISING_SLACK_MIN;
}

export function inactivityDeadline(household: CareHousehold, state: HouseholdCareState, quietStart: number): InactivityDeadline {
  const limits = household.inactivity;
  const offset = household.utc_offset_min;
  const dayEnd = localMidnight(localDayNumber(quietStart, offset), offset, clockMinutes(limits.day_to));
  const baseMs = limits.day_limit_h * MS_PER_HOUR;
  if (startsDaytime(household, state, quietStart) && quietStart + baseMs <= dayEnd) {
    const learned = learnedDayLimit(household, state.quiet_spans, state.watch_start, quietStart, quietOpening(state, quietStart));
    const at = Math.min(quietStart + learned.ms, dayEnd);
    return {
      at,
      limitMs: at - quietStart,
      window: 'day',
      heldToMorning: false,
      ...(learned.basis ? { learned: learned.basis } : {}),
      ...(at < quietStart + learned.ms ? { cutAtEvening: true } : {}),
    };
  }
  const nightLimitMs = limits.night_limit_h * MS_PER_HOUR;
  const at = quietStart + nightLimitMs;
  if (household.morning_check.enabled) {
    const check = morningCheckAfter(household, state.firsts, quietStart);
    if (check.at > at) return { at: check.at, limitMs: nightLimitMs, window: 'night', heldToMorning: true };
  }
  return { at, limitMs: nightLimitMs, window: 'night', heldToMorning: false };
}

/**
 * How the quiet from `quietStart` began: with the door, and whether she went out then: nobody came
 * in by card (she came home: the quiet is hers at home), and nothing she switched on is left
 * running (a heater on after the door closed is her at home, who closed it behind someone).
 */
export function quietOpening(state: HouseholdCareState, quietStart: number): QuietOpening {
  const latest = state.activity.latest;
  const afterDoor = latest?.signal === 'door' && latest.at === quietStart;
  const cameIn = state.activity.door_entry_at !== undefined && quietStart - state.activity.door_entry_at <= DOOR_PASSAGE_MS;
  return { afterDoor, wentOut: afterDoor && !cameIn && !state.load_on };
}
