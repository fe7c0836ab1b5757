import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import type { ReadingFrame } from '../../model/device-data.js';
import { clockMinutes, localMinuteOfDay } from '../activity/local-time.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { ATTENDED_WITHIN_MS, judgeSwitchOn, noteSwitchOff, settleStopped, type ApplianceModel } from '../activity/appliance-model.js';
import { withdrawSightings } from '../activity/household-activity.js';
import { electricityMeterSample, electricitySample, waterMeterSample, waterSample, type WaterSample } from '../activity/meter-points.js';
import { waterUse } from '../activity/meter-activity.js';
import { meterSilenceMs, stepMeter, type MeterStep } from '../activity/meter-track.js';
import { judgeHeld, LONE_AFTER_MS, MID_LOAD_MAX_W, type HeldLoad } from '../activity/held-load.js';
import { FLOOR_WINDOW_MS, loadHeldOn, stepFloor } from '../activity/power-floor.js';
import { unseenLoad } from '../activity/unseen-load.js';
import { steadyFlowOf, stepWaterFlow } from '../activity/water-flow.js';
import type { CareCall } from './care-call-context.js';
import { appliancesKey, unseenLoadsKey, DOOR_HEARTBEAT_FRAMES, doorKey, INACTIVITY_TIMER, meterKey, quietStart, timerKey, type CareMeterTrack, type Discounted, type DoorWatchState } from './care-state.js';
import { machinesInFloorWindow, riseWithoutMachines } from './floor-machines.js';
import { inactivityDeadline } from './inactivity-limit.js';
import { noteDiscounted, withdrawDiscounted } from './discounts.js';
import { householdWatches } from './care-alert.js';
import { signalBlind } from './quiet-verdict.js';
import { inSleepHours } from './sleep-hours.js';
import { see } from './sightings.js';
import { noteEstateWaterUse } from './water-supply.js';

/** A step up of the power between two readings this large is a switch-on (a kettle, a heater; not a fridge compressor). */
export const SWITCH_ON_W = 200;
const LITRES_PER_M3 = 1000;
/** A break in a water meter's frames this short, bridged by its counter, does not end a steady flow. */
const FLOW_BRIDGE_MS = 60 * 60_000;

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
    // A poll or two missed (the counter bridged them) leaves a steady flow testable: the counter
    // holds every litre. Across a longer break when the water ran is not known: the run starts again.
    const joined = !step.gap && previous?.counter !== undefined && (!step.bridged || context.now - previous.at <= FLOW_BRIDGE_MS);
    const flow = stepWaterFlow(previous?.flow, context.now, water.volumeM3 * LITRES_PER_M3, joined ? previous.at : undefined, joined ? previous.counter! * LITRES_PER_M3 : undefined);
    if (flow.flow.step !== undefined || flow.flow.run) track.flow = flow.flow;
    const running = steadyFlowOf(flow.flow);
    if (running) track.flowing_since = running.since;
    newUse = flow.newUse || (step.bridged && !joined && (step.counterDelta ?? 0) > 0);
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
  const track: CareMeterTrack = step.track; // made for this frame: added to, not copied
  if (broken !== undefined) track.broken_at = broken;
  return track;
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
  const modelKey = appliancesKey(frame.device_id);
  const previous = context.state<CareMeterTrack>(key);
  const step = stepMeter(previous, context.now, sample, meterSilenceMs(context.devices.get(frame.device_id)?.pollIntervalMs));
  if (!step) return false;
  const track: CareMeterTrack = withBreak(step, previous);
  const watts = step.rate;
  if (watts === undefined) {
    context.setState(key, track);
    return step.gap;
  }
  // With the water meter blind, a lamp switched on is news of her (activity/power-floor.ts FAINT_LOAD_W).
  const floor = stepFloor(previous?.floor, context.now, watts, step.gap, () => signalBlind(householdWatches(call), 'water'));
  const unseen = unseenLoad(step.counterDelta, context.now - (previous?.at ?? context.now), step.previousRate, watts);
  const rise = step.previousRate === undefined ? undefined : watts - step.previousRate;
  const switching = rise !== undefined && rise >= SWITCH_ON_W && watts > household.standby_power_w;
  // Her sleep hours matter only to a switch-on; judged on the routine as the frame found it.
  const sleeping = (unseen !== undefined || switching || (floor.rose !== undefined && floor.rose.watts < SWITCH_ON_W)) && inSleepHours(household, call.state.firsts, context.now);
  track.floor = floor.floor;
  noteLoadOn(call, loadHeldOn(floor.floor));
  const held = step.gap ? undefined : previous?.held;
  if (held) {
    const outcome = judgeHeld(held, context.now, watts);
    if (outcome.judged === 'holding') track.held = outcome.held;
    else if (outcome.judged === 'set_aside') noteDiscounted(call, { at: held.at, what: 'held_load', watts: Math.round(held.watts), why: held.kind === 'mid' ? 'went_off' : held.night ? 'alone_at_night' : 'alone' });
    else see(call, 'electricity', { at: held.at, what: 'power_on' });
  }
  if (unseen && switchedOn(call, frame.device_id, context.now, Math.round(unseen.wh), sleeping, 'unseen_load')) {
    see(call, 'electricity', { at: context.now, what: 'power_on' });
  }
  if (switching) {
    const counted = switchedOn(call, frame.device_id, context.now, rise, sleeping, 'switch_on');
    const hold = counted && !track.held ? holdKind(call, rise) : undefined;
    if (hold) track.held = { kind: hold.kind, at: context.now, watts: rise, before: step.previousRate!, ...(hold.night ? { night: true } : {}) };
    else if (counted) see(call, 'electricity', { at: context.now, what: 'power_on' });
  } else if (rise !== undefined && rise <= -SWITCH_ON_W) {
    const off = noteSwitchOff(context.state<ApplianceModel>(modelKey), context.now, -rise, watts);
    context.setState(modelKey, off.model);
    if (off.misjudged) {
      withdrawDiscounted(call, off.misjudged.at);
      see(call, 'electricity', { at: off.misjudged.at, what: 'power_on' });
    }
  } else if (rise === undefined) {
    // After a gap in the readings: what went off meanwhile.
    const appliances = context.state<ApplianceModel>(modelKey);
    const settled = settleStopped(appliances, watts);
    if (settled !== appliances) context.setState(modelKey, settled);
  }
  // A rise of the floor by a big load held on (a heater on its timer) was judged as its switch-on.
  if (floor.rose && floor.rose.watts < SWITCH_ON_W) {
    // The home's machines in the window may be what holds the floor up (care/floor-machines.ts): less
    // than half the rise left without them, it was theirs (a reading's noise and a compressor starting
    // in a machine's switch-on poll move what is left by tens of watts).
    const machines = machinesInFloorWindow(call, context.now, track.held, context.state<ApplianceModel>(modelKey));
    const low = floor.floor.low! - floor.rose.watts;
    if (machines.length > 0 && riseWithoutMachines(floor.floor, low, machines) < floor.rose.watts / 2) {
      // Judged again at the next bucket (the low kept): counted once the machines no longer account for it.
      track.floor = { ...floor.floor, low };
      noteFloorRaisedByMachine(call, floor.rose, Math.min(...machines.map((machine) => machine.at)));
    } else if (switchedOn(call, frame.device_id, floor.rose.since, floor.rose.watts, sleeping, 'small_load')) {
      see(call, 'electricity', { at: floor.rose.since, what: 'small_load_on' });
    }
  }
  context.setState(key, track);
  return step.gap;
}

/** Notes a floor rise set aside for a machine in its window, once per machine. */
function noteFloorRaisedByMachine(call: CareCall, rose: { watts: number; since: number }, machineAt: number): void {
  const noted = (call.state.discounted ?? []).some((item) => item.why === 'machine_ran' && item.at > machineAt - FLOOR_WINDOW_MS);
  if (!noted) noteDiscounted(call, { at: rose.since, what: 'small_load', watts: Math.round(rose.watts), why: 'machine_ran' });
}

/** Something left running changes how a quiet after the door is judged: the deadline is set again. */
function noteLoadOn(call: CareCall, on: boolean | undefined): void {
  if (on === undefined || on === (call.state.load_on === true)) return;
  const { load_on: _was, ...rest } = call.state;
  call.state = on ? { ...rest, load_on: true } : rest;
  call.dirty = true;
  call.context.setTimer(timerKey(INACTIVITY_TIMER, call.unit.id), inactivityDeadline(call.household, call.state, quietStart(call.state)).at);
}

/** Whether a switch-on that may count is held to be judged by what follows it (activity/held-load.ts). */
function holdKind(call: CareCall, rise: number): { kind: HeldLoad['kind']; night?: true } | undefined {
  const { now } = call.context;
  if (rise < MID_LOAD_MAX_W) return { kind: 'mid' };
  if (now - (call.state.activity.latest?.at ?? Number.NEGATIVE_INFINITY) >= LONE_AFTER_MS) return { kind: 'lone' };
  // Seen in the half hour before: a door, water or gate sign, or a switch-on that counted as hers
  // (her 06:06 kettle makes the toaster at 06:31 hers, not a night machine).
  const seenAt = call.state.activity.latest?.at;
  const unattended = seenAt === undefined || now - seenAt > ATTENDED_WITHIN_MS;
  return unattended && !inDaytimeWindow(call.household, now) ? { kind: 'lone', night: true } : undefined;
}

/** Her latest door, water or gate sign (a switch-on is not one: it may be a machine). */
function lastSignAt(call: CareCall): number | undefined {
  const last = call.state.activity.last;
  const at = Math.max(last.door?.at ?? -Infinity, last.water?.at ?? -Infinity, last.gate?.at ?? -Infinity);
  return Number.isFinite(at) ? at : undefined;
}

function inDaytimeWindow(household: CareHousehold, at: number): boolean {
  const minute = localMinuteOfDay(at, household.utc_offset_min);
  return minute >= clockMinutes(household.inactivity.day_from) && minute < clockMinutes(household.inactivity.day_to);
}

/** Is water running steadily in the household now (a tap left on)? */
function waterFlowing(call: CareCall): boolean {
  for (const device of call.context.devices.about(call.unit)) {
    if (signalOfDeviceKind(device.kind) !== 'water') continue;
    const track = call.context.state<CareMeterTrack>(meterKey(device.id));
    if (track?.flowing_since !== undefined && call.context.now - track.at <= meterSilenceMs(device.pollIntervalMs)) return true;
  }
  return false;
}

/**
 * A switch-on (or a small load coming on): judged against the learned loads; set aside (noted for
 * the alert's words) or not. Returns true when it may count as the resident's activity.
 */
function switchedOn(call: CareCall, deviceId: string, at: number, watts: number, sleeping: boolean, what: Discounted['what']): boolean {
  const { context, household } = call;
  const on = { at, watts, utcOffsetMin: household.utc_offset_min, sleeping, lastSignAt: lastSignAt(call) };
  let discount: Discounted['why'] | undefined;
  if (what === 'switch_on' || what === 'unseen_load') {
    // Loads seen only in the energy register are learned apart, sized by their energy (Wh).
    const key = what === 'switch_on' ? appliancesKey(deviceId) : unseenLoadsKey(deviceId);
    const judged = judgeSwitchOn(context.state<ApplianceModel>(key), { ...on, waterFlowing: () => waterFlowing(call) });
    context.setState(key, judged.model);
    discount = judged.discount;
  } else if (sleeping && (on.lastSignAt === undefined || at - on.lastSignAt > ATTENDED_WITHIN_MS)) {
    discount = 'night';
  }
  if (discount) noteDiscounted(call, { at, what, watts: Math.round(watts), why: discount });
  return discount === undefined;
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
