import { LiftFaultSchema, toWireTime, type Evidence, type LiftFault, type Reason, type Subject } from '../../../shared/contract/index.js';
import type { CanonicalEvent, ReadingFrame } from '../../model/device-data.js';
import { durationText } from '../engine/duration-text.js';
import { NO_ALERT_CHANGES, type AlertChange, type Rule, type RuleContext } from '../rule.js';
import {
  doorsSeen,
  faultCleared,
  faultRaised,
  faultTimerKey,
  outOfServiceTimerKey,
  problemsOf,
  serviceModeSeen,
  type LiftFaultState,
  type LiftProblem,
} from './lift-fault-state.js';
import { liftParams } from './lift-params.js';
import { liftStatusOf } from './lift-status.js';
import { LIFT_FAULT_NAMES, floorText } from './lift-text.js';

export const LIFT_FAULT_RULE_ID = 'lift_fault';
/** service_mode 0 (GB/T 24476-2017 as implemented; LiftServiceModeSchema.options[0]). */
const OUT_OF_SERVICE_MODE = 0;

/**
 * A lift that needs a repair job: one major lift_fault episode per lift (P2, facilities), listing
 * every current problem, so a lift with three faults is one work order:
 * - monitor fault codes in faults.raise_on (safety circuit, door faults, unintended movement,
 *   overspeed, overtravel, ...), counted once active for faults.confirm_s; lift_fault_cleared ends one;
 * - repeated door cycling (lift-fault-state.ts doorsSeen);
 * - service mode out_of_service (status point or lift_service_mode_changed) longer than
 *   out_of_service.after_s.
 * A new problem raises the episode or updates it; the episode clears when no problem is left.
 * passenger_trapped is lift_entrapment's.
 */
export function createLiftFaultRule(): Rule {
  return { id: LIFT_FAULT_RULE_ID, onEvent, onReadings, onTimer };
}

function onEvent(event: CanonicalEvent, context: RuleContext): AlertChange[] {
  if (event.subject.kind !== 'asset') return [];
  const lift = event.subject;
  const params = liftParams(context.config, lift.id);
  const state: LiftFaultState = { ...context.state<LiftFaultState>(lift.id) };
  const fault = LiftFaultSchema.safeParse(event.attributes.fault);
  if (event.type === 'lift_fault' && fault.success) {
    const vendorCode = event.attributes.vendor_code;
    const details = { device_id: event.device_id, ...(typeof vendorCode === 'number' || typeof vendorCode === 'string' ? { vendor_code: vendorCode } : {}) };
    faultRaised(state, lift.id, fault.data, details, params, context);
  } else if (event.type === 'lift_fault_cleared' && fault.success) {
    faultCleared(state, lift.id, fault.data, context);
  } else if (event.type === 'lift_service_mode_changed' && typeof event.attributes.service_mode === 'string') {
    serviceModeSeen(state, lift.id, event.attributes.service_mode === 'out_of_service', params, context);
  } else {
    return [];
  }
  return settle(lift, state, context);
}

function onReadings(frame: ReadingFrame, context: RuleContext): readonly AlertChange[] {
  if (frame.subject.kind !== 'asset') return NO_ALERT_CHANGES;
  const status = liftStatusOf(frame);
  if (!status) return NO_ALERT_CHANGES;
  const lift = frame.subject;
  const loaded = context.state<LiftFaultState>(lift.id);
  if (loaded?.seen_at !== undefined && context.now < loaded.seen_at) return NO_ALERT_CHANGES;
  const params = liftParams(context.config, lift.id);
  const state: LiftFaultState = { ...loaded, seen_at: context.now };
  if (status.floor !== undefined) state.floor = status.floor;
  if (status.serviceMode !== undefined) serviceModeSeen(state, lift.id, status.serviceMode === OUT_OF_SERVICE_MODE, params, context);
  doorsSeen(state, status, params, context.now);
  return settle(lift, state, context);
}

function onTimer(key: string, context: RuleContext): AlertChange[] {
  const [kind, liftId, fault] = key.split(':');
  if (!liftId) return [];
  const state: LiftFaultState = { ...context.state<LiftFaultState>(liftId) };
  if (kind === 'oos' && state.out_of_service && key === outOfServiceTimerKey(liftId)) {
    state.out_of_service = { ...state.out_of_service, confirmed: true };
  } else if (kind === 'fault' && fault && state.faults?.[fault as LiftFault] && key === faultTimerKey(liftId, fault as LiftFault)) {
    state.faults = { ...state.faults, [fault]: { ...state.faults[fault as LiftFault]!, confirmed: true } };
  } else {
    return [];
  }
  return settle({ kind: 'asset', id: liftId }, state, context);
}

/** Saves the state and says how the episode changes: raised, updated with the new list, or cleared. */
function settle(lift: Subject, state: LiftFaultState, context: RuleContext): AlertChange[] {
  context.setState(lift.id, state);
  const problems = problemsOf(state);
  const listed = problems.join(', ');
  const episode = context.episode(lift);
  const eventTime = toWireTime(context.now);
  if (!episode) {
    if (problems.length === 0) return [];
    return [{ action: 'raise', subject: lift, category: 'lift_fault', severity: 'major', event_time: eventTime, reason: faultReason(lift, problems, state, context.now), evidence: evidenceOf(problems, state, context.now) }];
  }
  if (episode.evidence.problems === listed) return [];
  if (problems.length === 0) {
    return [{ action: 'clear', subject: lift, event_time: eventTime, reason: { zh: `电梯 ${lift.id} 故障已全部恢复`, en: `Lift ${lift.id}: every fault has cleared` }, evidence: { problems: '' } }];
  }
  return [{ action: 'update', subject: lift, event_time: eventTime, reason: faultReason(lift, problems, state, context.now), evidence: evidenceOf(problems, state, context.now) }];
}

function evidenceOf(problems: LiftProblem[], state: LiftFaultState, now: number): Evidence {
  const evidence: Evidence = { problems: problems.join(', '), floor: state.floor ?? null };
  const faults = Object.entries(state.faults ?? {}).filter(([, entry]) => entry.confirmed);
  for (const [fault, entry] of faults) evidence[`${fault}_since`] = toWireTime(entry.since);
  const latest = faults.at(-1)?.[1];
  if (latest) {
    evidence.device_id = latest.device_id;
    if (latest.vendor_code !== undefined) evidence.vendor_code = latest.vendor_code;
  }
  if (state.door_cycling) evidence.door_openings = state.door_cycling.openings;
  if (state.out_of_service?.confirmed) evidence.out_of_service_s = Math.round((now - state.out_of_service.since) / 1000);
  return evidence;
}

function faultReason(lift: Subject, problems: LiftProblem[], state: LiftFaultState, now: number): Reason {
  const names = problems.map((problem) => problemName(problem, state, now));
  const floor = floorText(state.floor);
  return {
    zh: `电梯 ${lift.id} 需要维修${floor.zh}：${names.map((name) => name.zh).join('、')}`,
    en: `Lift ${lift.id} needs repair${floor.en}: ${names.map((name) => name.en).join('; ')}`,
  };
}

function problemName(problem: LiftProblem, state: LiftFaultState, now: number): Reason {
  if (problem === 'door_cycling') {
    const count = state.door_cycling?.openings ?? 0;
    const window = durationText((state.door_cycling?.window_s ?? 0) * 1000);
    return { zh: `反复开关门（${window.zh}内开门 ${count} 次）`, en: `doors opened ${count} times within ${window.en}` };
  }
  if (problem === 'out_of_service') {
    const time = durationText(now - (state.out_of_service?.since ?? now));
    return { zh: `停止服务已 ${time.zh}`, en: `out of service for ${time.en}` };
  }
  return LIFT_FAULT_NAMES[problem];
}
