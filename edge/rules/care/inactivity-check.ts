import { isInHomeSignal } from '../activity/activity-signal.js';
import { clockMinutes, localDayNumber, localMidnight, MS_PER_HOUR, MS_PER_MIN } from '../activity/local-time.js';
import { absenceAt } from './absence.js';
import type { SignalWatch } from '../activity/signal-watch.js';
import { householdWatches, quietFacts, sayQuiet } from './care-alert.js';
import type { CareCall } from './care-call-context.js';
import { INACTIVITY_TIMER, quietStart, timerKey } from './care-state.js';
import { inactivityDeadline, type InactivityDeadline } from './inactivity-limit.js';
import { smallLoadPending } from './pending-evidence.js';
import { inHomeMeterBlind, judgeQuiet, waterBlind } from './quiet-verdict.js';
import { visitAt } from './visits.js';
import { waterCut } from './water-supply.js';

/** While no signal can decide (meters offline), look again this often. */
export const NO_DATA_RECHECK_MS = 15 * MS_PER_MIN;

/**
 * The inactivity timer came due: the household has been quiet since its last activity for the
 * limit of the time of day (inactivity-limit.ts). Decide in this order:
 * - a stale timer (activity moved the deadline) is set again;
 * - an alert this check raised is already open: nothing more to say;
 * - away (registered, left through the gate): no alert; a registered period is looked at again
 *   when it ends;
 * - a registered period is over and she has not come back through the door: the quiet is counted
 *   from the registered end, and past the limit a "check on" alert says the return was missed
 *   (minor: she is most likely not at home; the door, not the water heater, clears it);
 * - a registered visit is on: look again when it ends;
 * - no signal watched the quiet (no data is not no activity): look again later; some signals
 *   came back only lately: wait until they have watched for the limit; the water meter is blind
 *   through a night: the door and electricity alone decide on the night and the day limit together;
 * - a small load came on in the last hour and is about to count: wait for it;
 * - otherwise raise care_visit (or update the open alert; escalate a "check on") with the evidence.
 */
export function checkInactivity(call: CareCall): void {
  const { context, household, unit } = call;
  const timer = timerKey(INACTIVITY_TIMER, unit.id);
  const absence = absenceAt(household, call.state.activity, context.now);
  const missed = absence?.kind === 'not_back' ? absence : undefined;
  const since = missed ? Math.max(quietStart(call.state), Date.parse(missed.period.to)) : quietStart(call.state);
  const deadline = inactivityDeadline(household, call.state, since);
  if (context.now < deadline.at) return context.setTimer(timer, deadline.at);
  const raisedBy = call.state.raised_by;
  if (context.episode(unit) && (raisedBy === 'inactivity' || (raisedBy === 'not_back' && missed))) return;
  if (absence && !missed) {
    if (absence.kind === 'away_period') context.setTimer(timer, absence.until);
    return;
  }
  const visit = visitAt(household, context.now);
  if (visit) return context.setTimer(timer, visit.end);

  const watches = householdWatches(call);
  const verdict = judgeQuiet(watches, since, deadline.limitMs, context.now);
  if (verdict.kind === 'no_data') return context.setTimer(timer, context.now + NO_DATA_RECHECK_MS);
  if (verdict.kind === 'wait') return context.setTimer(timer, verdict.until);
  // Without the water meter the door and electricity are weak witnesses (a quiet afternoon shows
  // little on them): a quiet night is given the day's limit on top before they decide it; a quiet
  // day without either in-home meter is given the night limit, within the daytime window.
  // A cut in the estate's water supply during the quiet blinds the water meter for it, over or not.
  const cut = waterCut(call);
  const blind = deadline.window === 'night' ? waterBlind(verdict) : inHomeMeterBlind(watches) || (cut !== undefined && (cut.to === undefined || cut.to > since));
  const blindLimitMs = blind ? weakLimitMs(call, deadline, since) : undefined;
  const limitMs = blindLimitMs !== undefined && blindLimitMs > deadline.limitMs ? blindLimitMs : deadline.limitMs;
  // A meter that missed its last poll or two is not yet known blind: a quiet it watched until just
  // now is looked at again before it is given the longer limit.
  if (limitMs > deadline.limitMs && newlyBlind(watches, context.now)) return context.setTimer(timer, context.now + NO_DATA_RECHECK_MS);
  if (context.now < since + limitMs) return context.setTimer(timer, since + limitMs);
  const pending = smallLoadPending(call);
  if (pending !== undefined) return context.setTimer(timer, pending);
  const limit = {
    hours: limitMs / MS_PER_HOUR,
    window: deadline.window,
    heldTo: deadline.heldToMorning ? deadline.at : undefined,
    ...(limitMs !== deadline.limitMs && deadline.window === 'day' ? { learned: 'meter_blind' as const } : deadline.learned ? { learned: deadline.learned } : {}),
    ...(deadline.cutAtEvening ? { cutAtEvening: true } : {}),
  };
  if (missed) {
    sayQuiet(call, quietFacts(call, 'not_back', verdict, since, { limit, missedReturn: { period: missed.period, end: Date.parse(missed.period.to) } }), 'minor');
    return;
  }
  sayQuiet(call, quietFacts(call, 'inactivity', verdict, since, { limit }));
}

/** An in-home meter of the household went blind less than NO_DATA_RECHECK_MS ago. */
function newlyBlind(watches: readonly SignalWatch[], now: number): boolean {
  return watches.some((watch) => isInHomeSignal(watch.signal) && watch.blind.some((device) => device.since !== undefined && now - device.since < NO_DATA_RECHECK_MS));
}

/** The limit a quiet is judged on when the water meter is blind (see checkInactivity). */
function weakLimitMs(call: CareCall, deadline: InactivityDeadline, since: number): number {
  const limits = call.household.inactivity;
  if (deadline.window === 'night') return (limits.night_limit_h + limits.day_limit_h) * MS_PER_HOUR;
  const offset = call.household.utc_offset_min;
  const dayEnd = localMidnight(localDayNumber(since, offset), offset, clockMinutes(limits.day_to));
  return Math.min(limits.night_limit_h * MS_PER_HOUR, Math.max(deadline.limitMs, dayEnd - since));
}
