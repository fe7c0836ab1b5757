import { toWireTime, type Evidence, type Reason, type Subject } from '../../../shared/contract/index.js';
import type { LiftRuleParams } from '../../../shared/contract/rules-config-lift.js';
import type { CanonicalEvent, ReadingFrame } from '../../model/device-data.js';
import { NO_ALERT_CHANGES, type AlertChange, type Rule, type RuleContext } from '../rule.js';
import {
  monitorTrappedReason,
  pressedReason,
  releasedReason,
  stoppedReason,
  type LiftReleaseCause,
  type StopKind,
} from './lift-entrapment-reasons.js';
import { liftParams } from './lift-params.js';
import { liftStatusOf, passengerCanLeave, type LiftStatus } from './lift-status.js';

export const LIFT_ENTRAPMENT_RULE_ID = 'lift_entrapment';

/** Per lift (state key: the lift's asset id). */
interface EntrapmentState {
  /** Time of the latest status frame judged: an older frame arriving late cannot undo a newer one. */
  seen_at?: number;
  /** A stop that may hold a passenger, since its first frame; its timer (key: lift id) runs or has fired. */
  stop?: { kind: StopKind; since: number; floor?: number; device_id: string };
  /** Latest alarm press, stop timer or monitor report: only a frame after it can release. */
  signal_at?: number;
}

/**
 * A passenger trapped in a lift: one critical lift_entrapment episode per lift (P1: facilities and
 * the lift contractor), whichever signal comes first, the others updating it, so one entrapment
 * opens one ticket:
 * - the car stopped (car_status 0) outside the door zone with someone inside for longer than
 *   entrapment.outside_door_zone_s (非平层困人, edge/rules/README.md);
 * - the car stopped in the door zone, doors closed, someone inside for longer than
 *   entrapment.in_door_zone_doors_closed_s (平层困人);
 * - the alarm button (event 90); every further press updates the press count;
 * - the monitor's own passenger_trapped fault.
 * The stop timers start on the first frame that shows the stop and are cleared by a frame that no
 * longer does (a short stop between floors raises nothing). The episode clears when a frame after
 * the latest signal shows the passenger can leave (doors open in the door zone, or an empty car), or
 * the monitor clears passenger_trapped.
 */
export function createLiftEntrapmentRule(): Rule {
  return {
    id: LIFT_ENTRAPMENT_RULE_ID,
    onEvent,
    onReadings,
    onTimer,
  };
}

function onReadings(frame: ReadingFrame, context: RuleContext): readonly AlertChange[] {
  if (frame.subject.kind !== 'asset') return NO_ALERT_CHANGES;
  const status = liftStatusOf(frame);
  if (!status) return NO_ALERT_CHANGES;
  const lift = frame.subject;
  const now = context.now;
  const state = context.state<EntrapmentState>(lift.id) ?? {};
  if (state.seen_at !== undefined && now < state.seen_at) return NO_ALERT_CHANGES;
  const next: EntrapmentState = { ...state, seen_at: now };
  const kind = stopKindOf(status);
  if (kind !== undefined && kind !== (state.stop?.kind ?? null)) {
    if (kind === null) {
      delete next.stop;
      context.clearTimer(lift.id);
    } else {
      next.stop = { kind, since: now, device_id: frame.device_id, ...(status.floor === undefined ? {} : { floor: status.floor }) };
      context.setTimer(lift.id, now + stopLimitMs(liftParams(context.config, lift.id), kind));
    }
  }
  context.setState(lift.id, next);
  const episode = context.episode(lift);
  if (!episode || !passengerCanLeave(status) || now <= (state.signal_at ?? -Infinity)) return NO_ALERT_CHANGES;
  return [release(lift, now, status.occupied === false ? 'car_empty' : 'doors_open_in_door_zone')];
}

function onTimer(liftId: string, context: RuleContext): AlertChange[] {
  const state = context.state<EntrapmentState>(liftId);
  const stop = state?.stop;
  if (!state || !stop) return [];
  const lift: Subject = { kind: 'asset', id: liftId };
  context.setState(liftId, { ...state, signal_at: context.now });
  const evidence: Evidence = {
    stop: stop.kind,
    stopped_since: toWireTime(stop.since),
    stopped_s: Math.round((context.now - stop.since) / 1000),
    floor: stop.floor ?? null,
    device_id: stop.device_id,
  };
  return [signal(lift, context, `stopped_${stop.kind}`, stoppedReason(lift, stop.kind, context.now - stop.since, stop.floor), evidence)];
}

function onEvent(event: CanonicalEvent, context: RuleContext): AlertChange[] {
  if (event.subject.kind !== 'asset') return [];
  const lift = event.subject;
  const episode = context.episode(lift);
  const fault = event.attributes.fault;
  if (event.type === 'lift_alarm_button') {
    markSignal(lift.id, context);
    const previous = episode?.evidence.press_count;
    const presses = (typeof previous === 'number' ? previous : 0) + 1;
    const evidence: Evidence = { device_id: event.device_id, press_count: presses, last_pressed_at: event.event_time };
    if (presses === 1) evidence.first_pressed_at = event.event_time;
    return [signal(lift, context, 'alarm_button', pressedReason(lift, presses), evidence)];
  }
  if (event.type === 'lift_fault' && fault === 'passenger_trapped') {
    markSignal(lift.id, context);
    const evidence: Evidence = { device_id: event.device_id, monitor_fault: fault, monitor_fault_at: event.event_time };
    if (event.attributes.vendor_code !== undefined) evidence.vendor_code = event.attributes.vendor_code;
    return [signal(lift, context, 'monitor_passenger_trapped', monitorTrappedReason(lift), evidence)];
  }
  if (episode && event.type === 'lift_fault_cleared' && fault === 'passenger_trapped') {
    return [release(lift, context.now, 'passenger_trapped_cleared')];
  }
  return [];
}

/** Raises the episode, or updates the open one: one entrapment, one ticket. */
function signal(lift: Subject, context: RuleContext, trigger: string, reason: Reason, evidence: Evidence): AlertChange {
  const eventTime = toWireTime(context.now);
  if (context.episode(lift)) return { action: 'update', subject: lift, event_time: eventTime, reason, evidence };
  return { action: 'raise', subject: lift, category: 'lift_entrapment', severity: 'critical', event_time: eventTime, reason, evidence: { trigger, ...evidence } };
}

function markSignal(liftId: string, context: RuleContext): void {
  const state = context.state<EntrapmentState>(liftId) ?? {};
  context.setState(liftId, { ...state, signal_at: Math.max(context.now, state.signal_at ?? -Infinity) });
}

function release(lift: Subject, now: number, cause: LiftReleaseCause): AlertChange {
  return { action: 'clear', subject: lift, event_time: toWireTime(now), reason: releasedReason(lift, cause), evidence: { cleared_by: cause } };
}

/** The stop a frame shows: a kind that may hold a passenger, null for none, undefined when the frame cannot tell. */
function stopKindOf(status: LiftStatus): StopKind | null | undefined {
  if (status.running === undefined || status.occupied === undefined) return undefined;
  if (status.running || !status.occupied) return null;
  if (status.inDoorZone === undefined) return undefined;
  if (!status.inDoorZone) return 'outside_door_zone';
  if (status.doorsClosed === undefined) return undefined;
  return status.doorsClosed ? 'in_door_zone_doors_closed' : null;
}

function stopLimitMs(params: LiftRuleParams, kind: StopKind): number {
  const seconds = kind === 'outside_door_zone' ? params.entrapment.outside_door_zone_s : params.entrapment.in_door_zone_doors_closed_s;
  return seconds * 1000;
}
