import { toWireTime, type Evidence, type Subject } from '../../../shared/contract/index.js';
import type { WaterLimits } from '../../../shared/contract/rules-config-water.js';
import type { ReadingFrame } from '../../model/device-data.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { MS_PER_MIN } from '../activity/local-time.js';
import { waterMeterSample, waterSample } from '../activity/meter-points.js';
import { meterSilenceMs, stepMeter, type MeterTrack } from '../activity/meter-track.js';
import { NO_ALERT_CHANGES, type AlertChange, type Rule, type RuleContext } from '../rule.js';
import { prefixedKey } from '../state/state-key.js';
import { addInterval, runHours, slotStart, type FlowSlotParams, type FlowSlots } from './continuous-flow.js';
import { addToDay, type DayVolume } from './daily-volume.js';
import type { WaterInterval } from './water-interval.js';
import { waterLimitsFor } from './water-limits.js';
import { leakOverReason, leakReason, type ContinuousFlowFacts, type DailyVolumeFacts } from './water-reasons.js';

export const WATER_LEAK_RULE_ID = 'water_leak';

const LITRES_PER_M3 = 1000;

/** What the leak rule keeps per water meter (persisted JSON). */
export interface WaterLeakState {
  track: MeterTrack;
  slots?: FlowSlots;
  day?: DayVolume;
  /** The conditions in force: use in every slot for the limit; today's volume above the limit. */
  continuous?: boolean;
  daily?: boolean;
}

const stateKey = prefixedKey('meter');

/**
 * Leaks, by flow pattern (edge/rules/README.md: kept apart from "resident in trouble"): use in
 * every slot for hours on end (continuous-flow.ts) or a day's volume above the limit
 * (daily-volume.ts) raises one water_leak episode (major; facilities, housekeeper informed) on the
 * meter's subject, a household or a listed water main; whichever comes second updates it. It
 * clears when a watched slot shows no use and the day's volume is within the limit (a new day).
 * Meant for one water meter per subject; a second meter's leak keeps the episode open.
 *
 * With household care: a resident who falls with a tap running shows no new activity (running
 * water is one sighting when it starts), so the care rule raises care_visit on its inactivity
 * limit, naming the running water; this rule reports the flow itself as a leak. Two tickets, two
 * teams: the housekeeper goes to the resident, facilities to the water.
 */
export function createWaterLeakRule(): Rule {
  return { id: WATER_LEAK_RULE_ID, onReadings: (frame, context) => onReadings(frame, context) };
}

function onReadings(frame: ReadingFrame, context: RuleContext): readonly AlertChange[] {
  const sample = waterSample(frame);
  if (!sample) return NO_ALERT_CHANGES;
  const limits = waterLimitsFor(context.config.water, frame.subject);
  if (!limits || (!limits.continuous_flow.enabled && !limits.daily_volume.enabled)) return [];
  const key = stateKey(frame.device_id);
  const previous = context.state<WaterLeakState>(key);
  const silenceMs = meterSilenceMs(context.devices.get(frame.device_id)?.pollIntervalMs);
  const step = stepMeter(previous?.track, context.now, waterMeterSample(sample), silenceMs);
  if (!step) return [];

  const flowKnown = sample.flowM3h !== undefined && !step.gap;
  const interval: WaterInterval = {
    from: previous?.track.at,
    to: context.now,
    litres: step.counterDelta !== undefined ? step.counterDelta * LITRES_PER_M3 : flowKnown ? 0 : undefined,
    bridged: step.bridged,
    flowing: (sample.flowM3h ?? 0) > 0,
  };
  const offset = context.config.water.utc_offset_min;
  const params = slotParams(limits, offset);
  const next: WaterLeakState = { track: step.track };
  let drySlotSeen = false;
  if (limits.continuous_flow.enabled) {
    const verdict = addInterval(previous?.slots, interval, params);
    next.slots = verdict.slots;
    drySlotSeen = verdict.drySlotSeen;
    next.continuous = drySlotSeen ? false : runHours(verdict.slots, params) >= limits.continuous_flow.hours || previous?.continuous === true;
  }
  if (limits.daily_volume.enabled) {
    next.day = addToDay(previous?.day, interval, offset);
    next.daily = next.day.litres > limits.daily_volume.max_litres;
  }
  context.setState(key, next);
  return changes(frame, context, limits, params, previous, next, drySlotSeen);
}

function changes(
  frame: ReadingFrame,
  context: RuleContext,
  limits: WaterLimits,
  params: FlowSlotParams,
  previous: WaterLeakState | undefined,
  next: WaterLeakState,
  drySlotSeen: boolean,
): readonly AlertChange[] {
  const subject = frame.subject;
  const open = context.episode(subject);
  const flow = next.continuous ? flowFacts(frame.device_id, next.slots, params) : undefined;
  const daily: DailyVolumeFacts | undefined = next.daily && next.day ? { deviceId: frame.device_id, litres: next.day.litres, maxLitres: limits.daily_volume.max_litres } : undefined;
  if (next.continuous || next.daily) {
    const becameTrue = (next.continuous && !previous?.continuous) || (next.daily && !previous?.daily);
    if (open && !becameTrue) return [];
    const eventTime = toWireTime(context.now);
    const reason = leakReason(subject, context.config.water.utc_offset_min, context.now, flow, daily);
    const evidence = leakEvidence(frame.device_id, limits, flow, daily);
    return [open ? { action: 'update', subject, event_time: eventTime, reason, evidence } : { action: 'raise', subject, category: 'water_leak', severity: 'major', event_time: eventTime, reason, evidence }];
  }
  if (!open || otherMeterLeaking(context, subject, frame.device_id)) return NO_ALERT_CHANGES;
  const cause = drySlotSeen ? 'flow_stopped' : 'new_day';
  return [{ action: 'clear', subject, event_time: toWireTime(context.now), reason: leakOverReason(subject, frame.device_id, cause), evidence: { cleared_by: cause } }];
}

function flowFacts(deviceId: string, slots: FlowSlots | undefined, params: FlowSlotParams): ContinuousFlowFacts | undefined {
  const run = slots?.run;
  if (!run) return undefined;
  return { deviceId, since: slotStart(run.from, params), hours: runHours(slots, params), slotMin: params.slotMs / MS_PER_MIN, litres: run.litres };
}

function leakEvidence(deviceId: string, limits: WaterLimits, flow: ContinuousFlowFacts | undefined, daily: DailyVolumeFacts | undefined): Evidence {
  const evidence: Evidence = { device_id: deviceId, condition: [flow ? 'continuous_flow' : '', daily ? 'daily_volume' : ''].filter(Boolean).join(',') };
  if (flow) {
    evidence.running_since = toWireTime(flow.since);
    evidence.run_h = Math.round(flow.hours * 10) / 10;
    evidence.run_litres = Math.round(flow.litres);
    evidence.slot_min = flow.slotMin;
    evidence.limit_h = limits.continuous_flow.hours;
  }
  if (daily) {
    evidence.today_litres = Math.round(daily.litres);
    evidence.max_litres_per_day = daily.maxLitres;
  }
  return evidence;
}

function slotParams(limits: WaterLimits, utcOffsetMin: number): FlowSlotParams {
  return { slotMs: limits.continuous_flow.slot_min * MS_PER_MIN, utcOffsetMin, minLitresPerSlot: limits.continuous_flow.min_litres_per_slot };
}

/** Another water meter of the subject still in a leak condition keeps the episode open. */
function otherMeterLeaking(context: RuleContext, subject: Subject, deviceId: string): boolean {
  return context.devices.about(subject).some((device) => {
    if (device.id === deviceId || signalOfDeviceKind(device.kind) !== 'water') return false;
    const state = context.state<WaterLeakState>(stateKey(device.id));
    return state?.continuous === true || state?.daily === true;
  });
}
