import { toWireTime } from '../../../shared/contract/index.js';
import type { ActivitySignal, Sighting } from '../activity/activity-signal.js';
import type { GateDirection } from '../activity/event-activity.js';
import { recordSighting } from '../activity/household-activity.js';
import { clockMinutes, localMidnight, MS_PER_MIN } from '../activity/local-time.js';
import { absenceAt, awayPeriodOverlaps } from './absence.js';
import { householdWatches } from './care-alert.js';
import type { CareCall } from './care-call.js';
import { activityReturnedReason } from './care-reasons.js';
import { GOT_UP_WITHIN_MS, INACTIVITY_TIMER, MAX_FIRSTS_KEPT, timerKey, type DayStart } from './care-state.js';
import { EARLY_RISING_SLACK_MIN, morningDay, morningRoutine } from './morning-routine.js';
import { inactivityDeadline } from './inactivity-limit.js';

/**
 * Activity seen in the household: it becomes the household's "last seen active", re-arms the
 * inactivity timer from now, may mark the resident up for the day (the morning routine), and
 * clears an open care alert with the evidence of what was seen.
 */
export function see(call: CareCall, signal: ActivitySignal, sighting: Sighting, gateDirection?: GateDirection): void {
  const { context, household, unit } = call;
  const absentBefore = absenceAt(household, call.state.activity, sighting.at);
  const doorWatching = call.state.activity.gate_out_at === undefined || householdWatches(call).some((watch) => watch.signal === 'door' && watch.watching);
  const recorded = recordSighting(call.state.activity, signal, sighting, { ...(gateDirection ? { gateDirection } : {}), doorWatching });
  call.state = { ...call.state, activity: recorded.activity };
  call.dirty = true;
  if (!recorded.newest) return;

  noteFirstOfDay(call, signal, sighting.at, absentBefore !== undefined);
  context.setTimer(timerKey(INACTIVITY_TIMER, unit.id), inactivityDeadline(household, call.state.firsts, sighting.at).at);

  if (context.episode(unit)) {
    call.changes.push({
      action: 'clear',
      subject: unit,
      event_time: toWireTime(sighting.at),
      reason: activityReturnedReason(unit.id, sighting.what, sighting.at, household.utc_offset_min),
      evidence: { cleared_by: signal, activity: sighting.what, activity_at: toWireTime(sighting.at) },
    });
    call.state = { ...call.state, raised_by: undefined };
  }
}

/**
 * The day's getting up (care-state.ts DayStart) joins the routine history unless the day says
 * nothing of the routine: the household was away (or this is the return), a registered absence
 * touched the morning, or watching began after the day did.
 */
function noteFirstOfDay(call: CareCall, signal: ActivitySignal, at: number, returning: boolean): void {
  const { household } = call;
  const offset = household.utc_offset_min;
  const day = morningDay(household, at);
  const today: DayStart = call.state.today?.day === day ? call.state.today : { day };
  if (today.up) return;
  const midnight = localMidnight(day, offset);
  const dayStart = localMidnight(day, offset, clockMinutes(household.morning_check.day_starts_at));
  const excluded = returning || call.state.watch_start > dayStart || awayPeriodOverlaps(household, dayStart, at);
  const candidate = today.candidate;
  const usualFrom = morningRoutine(household, call.state.firsts, day).usualFrom;
  let up: { at: number; signal: ActivitySignal; excluded: boolean } | undefined;
  if (candidate && at - candidate.at <= GOT_UP_WITHIN_MS) up = candidate;
  else if (at >= midnight + (usualFrom - EARLY_RISING_SLACK_MIN) * MS_PER_MIN) up = { at, signal, excluded };
  if (!up) {
    call.state = { ...call.state, today: { day, candidate: { at, signal, excluded } } };
    return;
  }
  call.state = { ...call.state, today: { day, up: { at: up.at, signal: up.signal } } };
  if (up.excluded) return;
  // minutes after the local midnight the day is named by (up at 01:00 the next night is 1500)
  const minute = Math.floor((up.at - midnight) / MS_PER_MIN);
  call.state = { ...call.state, firsts: [...call.state.firsts, { day, minute, signal: up.signal }].slice(-MAX_FIRSTS_KEPT) };
}
