import type { ReadingFrame } from '../../model/device-data.js';
import { judgeSwitchOn, noteSwitchOff, type ApplianceModel } from '../activity/appliance-model.js';
import { withdrawSightings } from '../activity/household-activity.js';
import { electricityMeterSample, electricitySample, waterMeterSample, waterSample, type WaterSample } from '../activity/meter-points.js';
import { waterUse } from '../activity/meter-activity.js';
import { meterSilenceMs, stepMeter, type MeterStep } from '../activity/meter-track.js';
import { stepFloor } from '../activity/power-floor.js';
import { steadyFlowOf, stepWaterFlow } from '../activity/water-flow.js';
import type { CareCall } from './care-call-context.js';
import { appliancesKey, DOOR_HEARTBEAT_FRAMES, doorKey, INACTIVITY_TIMER, meterKey, quietStart, timerKey, type CareMeterTrack, type DoorWatchState } from './care-state.js';
import { inactivityDeadline } from './inactivity-limit.js';
import { noteDiscounted } from './discounts.js';
import { inSleepHours } from './sleep-hours.js';
import { see } from './sightings.js';
import { noteEstateWaterUse } from './water-supply.js';

/** A step up of the power between two readings this large is a switch-on (a kettle, a heater; not a fridge compressor). */
export const SWITCH_ON_W = 200;
const LITRES_PER_M3 = 1000;

/**
 * A household meter's frame. Water: new use is judged through the meter's resolution against a
 * steady flow (activity/water-flow.ts): a running tap is flow, not a stream of uses. Electricity: a
 * switch-on above the standby level is activity unless the home's learned self-starting loads
 * explain it (activity/appliance-model.ts); a small load stepping the one-hour floor up from its
 * recent low (activity/power-floor.ts) is activity too, from when it came on. A frame
 * from a door controller is its heartbeat. Returns true when the frame ends a silence of the meter:
 * its data may now show a quiet the inactivity check could not judge before.
 */
export function onMeterFrame(call: CareCall, frame: ReadingFrame): boolean {
  const water = waterSample(frame);
  if (water) return call.household.signals.water ? onWaterFrame(call, frame, water) : false;
  const electricity = call.household.signals.electricity ? electricitySample(frame) : undefined;
  if (electricity) return onPowerFrame(call, frame, electricityMeterSample(electricity));
  noteHeartbeat(call, frame);
  return false;
}

function onWaterFrame(call: CareCall, frame: ReadingFrame, water: WaterSample): boolean {
  const { context } = call;
  const key = meterKey(frame.device_id);
  const previous = context.state<CareMeterTrack>(key);
  const step = stepMeter(previous, context.now, waterMeterSample(water), meterSilenceMs(context.devices.get(frame.device_id)?.pollIntervalMs));
  if (!step) return false;
  const track: CareMeterTrack = withBreak(step, previous);
  let newUse: boolean;
  if (water.volumeM3 !== undefined) {
    // Across a gap (even one the counter bridged) when the water ran is not known: the run starts again.
    const joined = !step.gap && !step.bridged && previous?.counter !== undefined;
    const flow = stepWaterFlow(previous?.flow, context.now, water.volumeM3 * LITRES_PER_M3, joined ? previous.at : undefined, joined ? previous.counter! * LITRES_PER_M3 : undefined);
    if (flow.flow.step !== undefined || flow.flow.run) track.flow = flow.flow;
    const running = steadyFlowOf(flow.flow);
    if (running) track.flowing_since = running.since;
    newUse = flow.newUse || (step.bridged && (step.counterDelta ?? 0) > 0);
    if (flow.confirmed) steadyFlowFound(call, flow.confirmed.since);
    if (previous?.counter !== undefined && water.volumeM3 > previous.counter) noteEstateWaterUse(call, context.now);
  } else {
    // A meter that gives only its flow: the start of flow is use.
    newUse = waterUse(step, water.flowM3h).onset;
  }
  context.setState(key, track);
  if (newUse) see(call, 'water', { at: context.now, what: 'water_use' });
  return step.gap || step.bridged;
}

/** The new track, remembering the last break in the meter's data. */
function withBreak(step: MeterStep, previous: CareMeterTrack | undefined): CareMeterTrack {
  const broken = step.gap || step.bridged ? step.track.at : previous?.broken_at;
  return broken === undefined ? step.track : { ...step.track, broken_at: broken };
}

/** Water has run steadily for hours: its first steps, taken for use, were the tap, not the resident. */
function steadyFlowFound(call: CareCall, since: number): void {
  const activity = withdrawSightings(call.state.activity, 'water', since);
  if (!activity) return;
  call.state = { ...call.state, activity };
  call.dirty = true;
  call.context.setTimer(timerKey(INACTIVITY_TIMER, call.unit.id), inactivityDeadline(call.household, call.state, quietStart(call.state)).at);
}

function onPowerFrame(call: CareCall, frame: ReadingFrame, sample: ReturnType<typeof electricityMeterSample>): boolean {
  const { context, household } = call;
  const key = meterKey(frame.device_id);
  const previous = context.state<CareMeterTrack>(key);
  const step = stepMeter(previous, context.now, sample, meterSilenceMs(context.devices.get(frame.device_id)?.pollIntervalMs));
  if (!step) return false;
  const track: CareMeterTrack = withBreak(step, previous);
  const watts = step.rate;
  if (watts !== undefined) {
    const sleeping = inSleepHours(household, call.state.firsts, context.now);
    const floor = stepFloor(previous?.floor, context.now, watts, step.gap);
    track.floor = floor.floor;
    context.setState(key, track);
    if (floor.rose) switchedOn(call, frame.device_id, floor.rose.since, floor.rose.watts, sleeping, 'small_load');
    powerStep(call, frame.device_id, step, watts, sleeping);
  } else {
    context.setState(key, track);
  }
  return step.gap;
}

function powerStep(call: CareCall, deviceId: string, step: MeterStep, watts: number, sleeping: boolean): void {
  const before = step.previousRate;
  if (before === undefined) return;
  const rise = watts - before;
  if (rise >= SWITCH_ON_W && watts > call.household.standby_power_w) {
    switchedOn(call, deviceId, call.context.now, rise, sleeping, 'switch_on');
  } else if (rise <= -SWITCH_ON_W) {
    const key = appliancesKey(deviceId);
    const model = noteSwitchOff(call.context.state<ApplianceModel>(key), call.context.now, -rise);
    if (model) call.context.setState(key, model);
  }
}

/** A switch-on (or a small load coming on): judged against the learned loads, then seen or set aside. */
function switchedOn(call: CareCall, deviceId: string, at: number, watts: number, sleeping: boolean, what: 'switch_on' | 'small_load'): void {
  const { context, household } = call;
  const last = call.state.activity.last;
  const lastSignAt = Math.max(last.door?.at ?? -Infinity, last.water?.at ?? -Infinity, last.gate?.at ?? -Infinity);
  const on = { at, watts, utcOffsetMin: household.utc_offset_min, sleeping, lastSignAt: Number.isFinite(lastSignAt) ? lastSignAt : undefined };
  let discount;
  if (what === 'switch_on') {
    const key = appliancesKey(deviceId);
    const judged = judgeSwitchOn(context.state<ApplianceModel>(key), on);
    context.setState(key, judged.model);
    discount = judged.discount;
  } else if (sleeping && (on.lastSignAt === undefined || at - on.lastSignAt > 30 * 60_000)) {
    discount = 'night' as const;
  }
  if (discount) noteDiscounted(call, { at, what, watts: Math.round(watts), why: discount });
  else see(call, 'electricity', { at, what: what === 'switch_on' ? 'power_on' : 'small_load_on' });
}

/** A door controller's frame is its heartbeat: learn its period so a stopped heartbeat makes the door blind. */
function noteHeartbeat(call: CareCall, frame: ReadingFrame): void {
  const device = call.context.devices.get(frame.device_id);
  if (!device || device.kind !== 'door_access_controller') return;
  const key = doorKey(frame.device_id);
  const door = call.context.state<DoorWatchState>(key);
  const last = door?.heartbeat_at;
  const gap = last === undefined ? undefined : call.context.now - last;
  const beats = Math.min((door?.heartbeat_beats ?? 0) + 1, DOOR_HEARTBEAT_FRAMES);
  const period = gap === undefined ? door?.heartbeat_period : door?.heartbeat_period === undefined ? gap : Math.min(door.heartbeat_period, gap);
  call.context.setState(key, {
    ...door,
    heartbeat_at: call.context.now,
    heartbeat_beats: beats,
    ...(period !== undefined ? { heartbeat_period: period } : {}),
    ...(beats >= DOOR_HEARTBEAT_FRAMES && period !== undefined ? { heartbeat_ms: period } : {}),
  });
}
