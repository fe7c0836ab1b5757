import { toWireTime, type Subject } from '../../../shared/contract/index.js';
import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import type { AlertChange, RuleContext } from '../rule.js';
import { absenceAt } from './absence.js';
import { awayReason, unenrolledReason } from './care-reasons.js';
import {
  appliancesKey,
  unseenLoadsKey,
  doorKey,
  householdKey,
  INACTIVITY_TIMER,
  meterKey,
  MORNING_TIMER,
  REVIEW_TIMER,
  timerKey,
  type HouseholdCareState,
} from './care-state.js';
import type { CareCall } from './care-call-context.js';
import { nextReview } from './decline-check.js';
import { enrolledHouseholds } from './enrolled-households.js';
import { inactivityDeadline } from './inactivity-limit.js';
import { nextMorningCheck } from './morning-routine.js';
import { reviewsKey } from './review-windows.js';

export type { CareCall } from './care-call-context.js';


/**
 * Runs `work` for an enrolled household. A household seen for the first time starts being watched
 * (its timers armed); one no longer in the config (consent withdrawn, moved out) is forgotten: its
 * state deleted (PIPL Art. 15, 47: processing stops and the data goes) and its alert withdrawn. A
 * registered away period in force withdraws an open care alert. `arg` is handed to `work` as it
 * is (a meter frame: no closure per frame).
 */
export function forHousehold<A = undefined>(context: RuleContext, unitId: string, work: (call: CareCall, arg: A) => void, arg?: A): AlertChange[] {
  const unit: Subject = { kind: 'unit', id: unitId };
  const household = enrolledHouseholds(context.config.care).byUnit.get(unitId);
  const stored = context.state<HouseholdCareState>(householdKey(unitId));
  if (!household) return stored ? forget(context, unit) : [];
  const call: CareCall = { context, unit, household, state: stored ?? { watch_start: context.now, activity: { last: {} }, firsts: [] }, dirty: !stored, changes: [] };
  if (!stored) startWatching(call);
  withdrawIfAway(call);
  work(call, arg as A);
  if (call.dirty) context.setState(householdKey(unitId), call.state);
  return call.changes;
}

function startWatching(call: CareCall): void {
  const { context, household, state } = call;
  context.setTimer(timerKey(INACTIVITY_TIMER, household.unit_id), inactivityDeadline(household, state, context.now).at);
  context.setTimer(timerKey(MORNING_TIMER, household.unit_id), nextMorningCheck(household, state.firsts, context.now));
  context.setTimer(timerKey(REVIEW_TIMER, household.unit_id), nextReview(household, context.now));
}

function withdrawIfAway(call: CareCall): void {
  const { context, unit, household } = call;
  if (!context.episode(unit)) return;
  const absence = absenceAt(household, call.state.activity, context.now);
  if (absence?.kind !== 'away_period') return;
  call.changes.push({
    action: 'clear',
    subject: unit,
    event_time: toWireTime(context.now),
    reason: awayReason(unit.id, absence, household.utc_offset_min, context.now),
    evidence: { cleared_by: 'away_period', away_reason: absence.period.reason, away_until: toWireTime(absence.until) },
  });
  call.state = { ...call.state, raised_by: undefined };
  call.dirty = true;
}

function forget(context: RuleContext, unit: Subject): AlertChange[] {
  const changes: AlertChange[] = [];
  const withdraw = (subject: Subject) => {
    if (context.episode(subject)) changes.push({ action: 'clear', subject, event_time: toWireTime(context.now), reason: unenrolledReason(unit.id), evidence: { cleared_by: 'unenrolled' } });
  };
  context.setState(householdKey(unit.id), undefined);
  context.setState(reviewsKey(unit.id), undefined);
  for (const timer of [INACTIVITY_TIMER, MORNING_TIMER, REVIEW_TIMER]) context.clearTimer(timerKey(timer, unit.id));
  for (const device of context.devices.about(unit)) {
    const signal = signalOfDeviceKind(device.kind);
    if (signal === 'door') {
      context.setState(doorKey(device.id), undefined);
      withdraw({ kind: 'device', id: device.id });
    } else if (signal) {
      context.setState(meterKey(device.id), undefined);
      context.setState(appliancesKey(device.id), undefined);
      context.setState(unseenLoadsKey(device.id), undefined);
    }
  }
  withdraw(unit);
  return changes;
}
