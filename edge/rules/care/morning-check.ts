import { clockMinutes, localMidnight, MS_PER_MIN } from '../activity/local-time.js';
import { absenceAt } from './absence.js';
import { householdWatches, quietFacts, sayQuiet } from './care-alert.js';
import type { CareCall } from './care-call-context.js';
import { GOT_UP_WITHIN_MS, MORNING_TIMER, NIGHT_UP_SIGNS, quietStart, timerKey, type DayStart } from './care-state.js';
import { morningCheckTime, morningDay, morningRoutine, type MorningRoutine } from './morning-routine.js';
import { smallLoadPending } from './pending-evidence.js';
import { judgeQuiet, waterBlind } from './quiet-verdict.js';
import { visitAt } from './visits.js';

/**
 * The morning check came due: the resident not up (care-state.ts DayStart) by the usual time of
 * getting up plus the margin (morning-routine.ts) is worth a visit, said in the resident's own terms
 * ("usually first water use 06:40-07:30; none by 09:30"); two night-time flushes of a resident
 * whose mornings begin with the kettle, and nothing more, are not up (isUp). Not when away or disabled; a registered
 * visit on at the time defers it to the visit's end; and only when a signal watched the whole usual
 * window (no data is not no activity); a switch-on still being judged holds it until its verdict,
 * but not past latest_check. Made once a day; the next one is armed each time. The routine
 * is the one of the kind of day (weekdays, weekends: morning-routine.ts).
 */
export function checkMorning(call: CareCall): void {
  const { context, household, unit } = call;
  const timer = timerKey(MORNING_TIMER, unit.id);
  const day = morningDay(household, context.now);
  const due = morningCheckTime(household, call.state.firsts, day);
  if (context.now < due) return context.setTimer(timer, due);
  context.setTimer(timer, morningCheckTime(household, call.state.firsts, day + 1));
  if (!household.morning_check.enabled || call.state.morning_done === day) return;
  const today = call.state.today?.day === day ? call.state.today : undefined;
  const routine = morningRoutine(household, call.state.firsts, day);
  const usualStart = localMidnight(day, household.utc_offset_min, routine.usualFrom);
  if (isUp(today, routine, quietStart(call.state), usualStart) || absenceAt(household, call.state.activity, context.now)) return markDone(call, day);
  // A lone sighting just before the check may be the resident getting up: wait for its confirmation.
  if (today?.candidate && context.now < today.candidate.at + GOT_UP_WITHIN_MS) return context.setTimer(timer, today.candidate.at + GOT_UP_WITHIN_MS);
  const visit = visitAt(household, context.now);
  if (visit) return context.setTimer(timer, visit.end);
  // A switch-on still being judged may be her (the TV just put on): the check waits for its verdict,
  // but not past latest_check, when a night fall is near its noon limit.
  const pending = smallLoadPending(call);
  const latestAt = localMidnight(day, household.utc_offset_min, Math.max(routine.checkAt, clockMinutes(household.morning_check.latest_check)));
  if (pending !== undefined && context.now < latestAt) return context.setTimer(timer, Math.min(pending, latestAt));

  markDone(call, day);
  // An open "check on" (a decline) is escalated by a missed morning; any other open alert says enough.
  if (context.episode(unit) && call.state.raised_by !== 'decline') return;
  const watchedFrom = Math.max(usualStart, call.state.watch_start);
  const verdict = judgeQuiet(householdWatches(call), watchedFrom, context.now - usualStart, context.now);
  // Without the water meter a late morning shows little: the inactivity check's night limit decides.
  if (verdict.kind !== 'quiet' || waterBlind(verdict)) return;
  sayQuiet(
    call,
    quietFacts(call, 'morning_check', verdict, quietStart(call.state), {
      // Said as checked: a check held for a sighting, a visit or a switch-on speaks at the time it made.
      routine: { ...routine, checkAt: Math.floor((context.now - localMidnight(day, household.utc_offset_min)) / MS_PER_MIN), minHistoryDays: household.morning_check.min_history_days, defaultFirst: household.morning_check.default_first_activity },
    }),
  );
}

/**
 * She is up for the morning check: up by the usual rule, or up from night-time trips (care-state.ts
 * DayStart) unless her learned mornings begin with a kind of sign none of them was (a resident who
 * puts the kettle on first, seen only in two flushes before her usual window) and nothing more came:
 * no sign since her usual window opened, no third sign. A single sign before her usual window, of a
 * kind her mornings do not begin with, and nothing after it is no more a morning than those two
 * flushes: a flush at 06:06 by a resident whose mornings begin with the kettle at 06:44-07:21, who
 * fell on her way back, shows nothing more. While the routine is learned, any up is up.
 */
function isUp(today: DayStart | undefined, routine: MorningRoutine, lastSeen: number, usualStart: number): boolean {
  const up = today?.up;
  if (!up) return false;
  if (!routine.learned || routine.signal === undefined || lastSeen >= usualStart) return true;
  if (up.fromNight) return up.signals?.includes(routine.signal) === true || (up.signs ?? 0) >= NIGHT_UP_SIGNS;
  return up.at >= usualStart || today?.second === true || up.signal === routine.signal;
}

function markDone(call: CareCall, day: number): void {
  call.state = { ...call.state, morning_done: day };
  call.dirty = true;
}
