import { toWireTime, type Subject } from '../../../shared/contract/index.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { localDayNumber, MS_PER_DAY } from '../activity/local-time.js';
import { absenceAt } from './absence.js';
import { compareActivity } from './activity-days.js';
import type { CareCall } from './care-call-context.js';
import { doorKey, type DoorWatchState } from './care-state.js';
import { doorSign, outingWithoutDoor, settledGate, withDoorEvent, withGateCard, withQuietEnded } from './door-health.js';
import { doorBackReason, doorSuspectedReason } from './door-reasons.js';

/** Water and electricity show her active: at least this share of her usual half-hours over two days. */
const LIFE_SHOWN_SHARE = 0.5;
const LIFE_WINDOW_MS = 2 * MS_PER_DAY;
const LIFE_HISTORY_DAYS = 4;

/**
 * The household's door controller, watched through the household's own signals (door-health.ts):
 * suspected dead, it is reported to facilities as a device (device_offline, minor, on the door
 * controller: the resident is not the one to visit), and until it speaks again the door is blind
 * for the care checks, which then decide on water and electricity. Controllers that send a
 * heartbeat are left to the device-offline rule.
 */
export function doorEventSeen(call: CareCall, at: number): void {
  const suspected = call.state.door?.suspected;
  call.state = { ...call.state, door: withDoorEvent(call.state.door, localDayNumber(at, call.household.utc_offset_min)) };
  call.dirty = true;
  if (!suspected) return;
  for (const door of watchedDoors(call)) {
    if (!call.context.episode(door)) continue;
    call.changes.push({ action: 'clear', subject: door, event_time: toWireTime(at), reason: doorBackReason(door.id, call.unit.id), evidence: { cleared_by: 'door_event', door_event_at: toWireTime(at) } });
  }
}

export function gateCardSeen(call: CareCall, at: number): void {
  const { door_watch: watch } = call.household;
  const day = localDayNumber(at, call.household.utc_offset_min);
  const door = settledGate(withGateCard(call.state.door, at, day, call.state.activity.last.door?.at, watch.gate_match_min), at, watch.gate_match_min);
  call.state = { ...call.state, ...(door ? { door } : {}) };
  call.dirty = true;
}

/** Her water ended a quiet watched since `from` (the last sign of her, or since a meter watched it). */
export function quietEndedByWater(call: CareCall, from: number, at: number): void {
  if (!call.household.door_watch.enabled || !call.household.signals.door || from <= call.state.watch_start) return;
  const door = withQuietEnded(call.state.door, from, at);
  if (!door) return;
  call.state = { ...call.state, door };
  call.dirty = true;
}

/** Looks for the signs of a dead door controller (at the morning check and the daily review). */
export function reviewDoor(call: CareCall): void {
  const { context, household } = call;
  if (!household.door_watch.enabled || !household.signals.door || call.state.door?.suspected) return;
  const doors = watchedDoors(call);
  if (doors.length === 0) return;
  const door = settledGate(call.state.door, context.now, household.door_watch.gate_match_min);
  const lastDoorAt = call.state.activity.last.door?.at ?? call.state.watch_start;
  const life = compareActivity(call.state.days, context.now, LIFE_WINDOW_MS, household.utc_offset_min);
  const lifeShown = !absenceAt(household, call.state.activity, context.now) && !life.awayInWindow && life.historyDays >= LIFE_HISTORY_DAYS && life.seen >= LIFE_SHOWN_SHARE * life.usual;
  const wentOut = outingWithoutDoor(call.state.quiet_spans, lastDoorAt);
  const sign = doorSign(door, context.now, lastDoorAt, call.state.watch_start, household.door_watch.quiet_days, lifeShown, localDayNumber(context.now, household.utc_offset_min), wentOut, call.state.activity.last.water?.at);
  if (door !== call.state.door) {
    call.state = { ...call.state, ...(door ? { door } : {}) };
    call.dirty = true;
  }
  if (!sign) return;
  call.state = { ...call.state, door: { ...call.state.door, suspected: { since: context.now, by: sign } } };
  call.dirty = true;
  for (const subject of doors) {
    call.changes.push({
      action: 'raise',
      subject,
      category: 'device_offline',
      severity: 'minor',
      event_time: toWireTime(context.now),
      reason: doorSuspectedReason(subject.id, call.unit.id, sign, call.state.door ?? {}, lastDoorAt, household.utc_offset_min, context.now, call.state.activity.last.water?.at),
      evidence: {
        device_kind: 'door_access_controller',
        subject_kind: 'unit',
        subject_id: call.unit.id,
        sign,
        last_door_event_at: toWireTime(lastDoorAt),
        gate_cards_without_door: (call.state.door?.unmatched ?? []).length,
        ...(sign === 'home' && call.state.activity.last.water ? { water_at: toWireTime(call.state.activity.last.water.at) } : {}),
        ...(sign === 'away' ? { days_away: (call.state.door?.days_away ?? []).length } : {}),
      },
    });
  }
}

/** Since when the door is not to be trusted (suspected dead), if it is not. */
export function doorSuspectedSince(call: CareCall): number | undefined {
  return call.state.door?.suspected ? (call.state.activity.last.door?.at ?? call.state.watch_start) : undefined;
}

/** The household's door controllers without a heartbeat of their own. */
function watchedDoors(call: CareCall): Subject[] {
  return call.context.devices
    .about(call.unit)
    .filter((device) => signalOfDeviceKind(device.kind) === 'door' && call.context.state<DoorWatchState>(doorKey(device.id))?.heartbeat_ms === undefined)
    .map((device) => ({ kind: 'device' as const, id: device.id }));
}
