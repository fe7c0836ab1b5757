import type { RoutineSummary } from '../../shared/contract/index.js';
import type { CareHousehold } from '../../shared/contract/rules-config-care.js';
import { isoWeekday, MS_PER_MIN } from '../rules/activity/local-time.js';
import { quietStart, type HouseholdCareState } from '../rules/care/care-state.js';
import { morningDay, morningRoutine, type MorningRoutine } from '../rules/care/morning-routine.js';
import { learnedDayLimit } from '../rules/care/quiet-lengths.js';

/**
 * What the household care rule has learned of a household, as of `at`, in a few numbers: the
 * usual first activity of each kind of day and when the morning check falls (morning-routine.ts),
 * and how long a daytime quiet at home may last (quiet-lengths.ts). It is worked out by the rules'
 * own exported functions from the state they committed, so it is what the rules decide on.
 */
export function routineSummary(household: CareHousehold, state: HouseholdCareState, at: number): RoutineSummary {
  const today = morningDay(household, at);
  const windows = household.morning_check.by_kind_of_day ? [nextDayOfKind(today, false), nextDayOfKind(today, true)] : [today];
  const morning = windows.map((day) => morningWindow(morningRoutine(household, state.firsts, day)));
  // A quiet at home beginning now, the resident not gone out: the daytime limit as the rule would set it.
  const limit = learnedDayLimit(household, state.quiet_spans, state.watch_start, Math.max(at, quietStart(state)), { afterDoor: false, wentOut: false });
  return {
    history_days: morningRoutine(household, state.firsts, today).days,
    morning,
    day_quiet_limit_min: Math.round(limit.ms / MS_PER_MIN),
    day_quiet_basis: limit.basis === 'learning' || limit.basis === 'quiet_lengths' ? limit.basis : 'configured',
  };
}

/** Today, or the next day of the kind (Saturday and Sunday are the weekend). */
function nextDayOfKind(today: number, weekend: boolean): number {
  for (let day = today; ; day++) if (isoWeekday(day) >= 6 === weekend) return day;
}

function morningWindow(routine: MorningRoutine): RoutineSummary['morning'][number] {
  // A check after midnight (days start at day_starts_at, 04:00 by default) is its clock time on the next day.
  const minutes = (value: number) => ((Math.round(value) % 1440) + 1440) % 1440;
  return { kind: routine.kind, learned: routine.learned, usual_from_min: minutes(routine.usualFrom), usual_to_min: minutes(routine.usualTo), check_at_min: minutes(routine.checkAt) };
}
