import { toWireTime } from '../../../shared/contract/index.js';
import type { ActivitySignal, Sighting } from '../activity/activity-signal.js';
import type { GateDirection } from '../activity/event-activity.js';
import { recordSighting } from '../activity/household-activity.js';
import { clockMinutes, localDayNumber, localMidnight, MS_PER_MIN } from '../activity/local-time.js';
import { absenceAt, awayPeriodOverlaps, type Absence } from './absence.js';
import { withActiveSlot, withAwayDay } from './activity-days.js';
import { householdWatches } from './care-alert.js';
import type { CareCall } from './care-call-context.js';
import { activityReturnedReason } from './care-reasons.js';
import { GOT_UP_WITHIN_MS, INACTIVITY_TIMER, MAX_FIRSTS_KEPT, quietStart, timerKey, type DayStart } from './care-state.js';
import { doorEventSeen } from './door-watch.js';
import { inactivityDeadline, startsDaytime } from './inactivity-limit.js';
import { EARLY_RISING_SLACK_MIN, morningDay, morningRoutine } from './morning-routine.js';
import { withQuietSpan } from './quiet-lengths.js';
import { visitAt } from './visits.js';

/**
 * Activity seen in the household. What counts as the resident's:
 * - a door event inside a registered visit window is the carer's: it is kept (last door) but does
 *   not restart the quiet clock, clear an alert or mark her up;
 * - while she is away (a registered period, not back from one, out through the estate gate) only
 *   the door and the gate are news of her: the water heater and the washing machine are not;
 * - electricity counts only when the home's own machines do not explain it (meter-sightings.ts),
 *   and alone it never clears an alert.
 * A sighting that counts becomes "last seen active", re-arms the inactivity timer, may mark the
 * resident up for the day, and clears an open care alert when it is a door, water or gate sign
 * (only the door, for a missed return; a decline clears when activity recovers, decline-check.ts).
 */
export function see(call: CareCall, signal: ActivitySignal, sighting: Sighting, gateDirection?: GateDirection): void {
  const { context, household, unit } = call;
  const absentBefore = absenceAt(household, call.state.activity, sighting.at);
  const doorWatches = () => householdWatches(call).some((watch) => watch.signal === 'door' && watch.watching);
  const doorWatching = (call.state.activity.gate_out_at === undefined && absentBefore === undefined) || doorWatches();
  const byVisitor = signal === 'door' && visitAt(household, sighting.at) !== undefined;
  // While she is away only the door and the gate are news of her, unless the door is not watched.
  const counts = !byVisitor && (absentBefore === undefined || signal === 'door' || signal === 'gate' || (absentBefore.kind !== 'away_period' && !doorWatching));
  const quietFrom = quietStart(call.state);
  const openedWithDoor = call.state.activity.latest?.signal === 'door';
  if (signal === 'door') doorEventSeen(call, sighting.at);
  const recorded = recordSighting(call.state.activity, signal, sighting, { ...(gateDirection ? { gateDirection } : {}), doorWatching, counts });
  call.state = { ...call.state, activity: recorded.activity };
  call.dirty = true;
  if (absentBefore) markAwayDay(call, sighting.at);
  if (!recorded.newest) return;

  noteQuiet(call, quietFrom, sighting.at, openedWithDoor, absentBefore);
  const days = withActiveSlot(call.state.days, sighting.at, household.utc_offset_min);
  if (days) call.state = { ...call.state, days };
  noteFirstOfDay(call, signal, sighting.at, absentBefore !== undefined);
  context.setTimer(timerKey(INACTIVITY_TIMER, unit.id), inactivityDeadline(household, call.state, sighting.at).at);
  if (context.episode(unit) && clears(call, signal)) {
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

/** Does this sign of her clear the open care alert? */
function clears(call: CareCall, signal: ActivitySignal): boolean {
  switch (call.state.raised_by) {
    case 'decline':
      return false;
    case 'not_back':
      return signal === 'door';
    default:
      return signal !== 'electricity';
  }
}

/** A daytime quiet of two hours or more joins the household's quiet lengths (quiet-lengths.ts). */
function noteQuiet(call: CareCall, quietFrom: number, at: number, openedWithDoor: boolean, absent: Absence | undefined): void {
  // Out through the estate gate is still one of her outings; a registered absence is not a day's quiet.
  if ((absent && absent.kind !== 'left_estate') || !Number.isFinite(quietFrom) || quietFrom <= call.state.watch_start) return;
  const offset = call.household.utc_offset_min;
  const dayTo = localMidnight(localDayNumber(quietFrom, offset), offset, clockMinutes(call.household.inactivity.day_to));
  if (!startsDaytime(call.household, call.state, quietFrom) || at > dayTo) return;
  const spans = withQuietSpan(call.state.quiet_spans, { from: quietFrom, minutes: Math.round((at - quietFrom) / MS_PER_MIN), door: openedWithDoor });
  if (spans) call.state = { ...call.state, quiet_spans: spans };
}

function markAwayDay(call: CareCall, at: number): void {
  const days = withAwayDay(call.state.days, at, call.household.utc_offset_min);
  if (days) call.state = { ...call.state, days };
}

/**
 * The day's getting up (care-state.ts DayStart) joins the routine history unless the day says
 * nothing of the routine: the household was away (or this is the return), a registered absence
 * touched the morning, or watching began after the day did. Switch-ons the home's machines explain
 * never reach here (meter-sightings.ts), so a water heater's reheat at 05:52 is not getting up.
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
