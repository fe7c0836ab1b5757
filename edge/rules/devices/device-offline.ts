import { fromWireTime, toWireTime, type Evidence, type Subject } from '../../../shared/contract/index.js';
import type { OfflineReason } from '../../drivers/driver.js';
import { NO_ALERT_CHANGES, type AlertChange, type DeviceInfo, type Rule, type RuleContext } from '../rule.js';
import { prefixedKey } from '../state/state-key.js';
import { busDevices, busSubjectId, isBusOutage } from './bus-outage.js';
import { backReason, busBackReason, busSilentReason, silentReason } from './device-offline-reasons.js';
import { heartbeatLimitMs, withHeartbeat, type Heartbeat } from './heartbeat.js';
import { silenceLimitMs } from './silence-limit.js';

export const DEVICE_OFFLINE_RULE_ID = 'device_offline';

/**
 * State keys: the device id holds its last good reading time; why:<device id> what the driver
 * said; beat:<device id> a learned heartbeat (heartbeat.ts); held:<device id> until when its own
 * alert waits after its bus came back; bus:<bus> how many silent devices the bus alert names.
 */
const whyKey = prefixedKey('why');
const beatKey = prefixedKey('beat');
const heldKey = prefixedKey('held');
const busKey = prefixedKey('bus');

/**
 * No data is not no activity (edge/rules/README.md): a device without a good reading for longer than its
 * silence limit (silence-limit.ts: N poll periods, or a limit per kind for devices that push, or 3
 * missed beats of a heartbeat it has shown: heartbeat.ts) gets a minor device_offline alert on the
 * device itself (subject kind device; P3, facilities), and the alert clears with the next good
 * reading. At start every watched device gets a full limit, since the hours the gateway itself was
 * down are not the device's silence.
 *
 * When most devices of one bus fall silent together (bus-outage.ts), one major alert names the
 * bus and how many devices instead, and theirs wait behind it; once most are back it clears, and
 * the devices still silent a full limit later get their own.
 *
 * One timer per device (key: device id), re-armed lazily: a reading only records its time; when the
 * timer comes due it is moved on to last reading + limit, and raises only if that is now. So a
 * reading costs one state write, not a state and a timer write (the rule sees every meter frame).
 */
export function createDeviceOfflineRule(): Rule {
  return {
    id: DEVICE_OFFLINE_RULE_ID,
    onStart(devices, context) {
      for (const device of devices) {
        const limit = limitFor(device, context);
        if (limit !== undefined && !context.episode(subjectOf(device.id))) context.setTimer(device.id, context.now + limit);
      }
      return [];
    },
    onReadings(frame, context) {
      if (frame.readings.length === 0) return [];
      const device = context.devices.get(frame.device_id);
      if (device && device.pollIntervalMs === undefined && context.config.devices.learn_heartbeat && silenceLimitMs(device, context.config.devices) === undefined) {
        const beat = withHeartbeat(context.state<Heartbeat>(beatKey(device.id)), context.now);
        if (beat) context.setState(beatKey(device.id), beat);
      }
      return seen(frame.device_id, context);
    },
    onEvent: (event, context) => seen(event.device_id, context),
    onAvailability(device, availability, context) {
      context.setState(whyKey(device.id), availability.online ? undefined : availability.reason);
      return [];
    },
    onTimer(deviceId, context) {
      const device = context.devices.get(deviceId);
      const limit = device && limitFor(device, context);
      if (!device || limit === undefined) {
        context.setState(deviceId, undefined); // no longer watched: a later first reading re-arms
        return [];
      }
      if (context.episode(subjectOf(deviceId))) return [];
      const last = context.state<number>(deviceId);
      const held = context.state<number>(heldKey(deviceId));
      const due = Math.max(last === undefined ? context.now : last + limit, held ?? context.now);
      if (due > context.now) {
        context.setTimer(deviceId, due);
        return [];
      }
      if (held !== undefined) context.setState(heldKey(deviceId), undefined);
      if (device.bus !== undefined) {
        const silent = silentOnBus(device.bus, context);
        if (isBusOutage(silent.length, busDevices(context.devices, device.bus).length, context.config.devices)) {
          context.setTimer(deviceId, context.now + limit);
          return sayBusSilent(device.bus, silent, context);
        }
      }
      return [raise(device, limit, last, context)];
    },
  };
}

/** The silence limit of a device: configured, or learned from its heartbeat. */
function limitFor(device: DeviceInfo, context: RuleContext): number | undefined {
  const config = context.config.devices;
  const configured = silenceLimitMs(device, config);
  if (configured !== undefined || device.pollIntervalMs !== undefined || !config.learn_heartbeat) return configured;
  return heartbeatLimitMs(context.state<Heartbeat>(beatKey(device.id)), config.missed_heartbeats);
}

/** A sign of life at context.now: noted (the timer moves on when it comes due); ends an open episode. */
function seen(deviceId: string, context: RuleContext): readonly AlertChange[] {
  const device = context.devices.get(deviceId);
  if (!device) return NO_ALERT_CHANGES;
  const limit = limitFor(device, context);
  if (limit === undefined) return NO_ALERT_CHANGES;
  const last = context.state<number>(deviceId);
  if (last !== undefined && context.now <= last) return NO_ALERT_CHANGES; // a late or repeated sample: nothing new
  context.setState(deviceId, context.now);
  const subject = subjectOf(deviceId);
  const episode = context.episode(subject);
  // The first reading ever (or since the device became watched) arms the timer; so does the end of an episode.
  if (last === undefined || episode) context.setTimer(deviceId, context.now + limit);
  // The common case, a device reading on with no alert of its own or of its bus open: nothing to change.
  if (!episode && (device.bus === undefined || !context.episode(busSubject(device.bus)))) return NO_ALERT_CHANGES;
  const changes: AlertChange[] = [];
  if (episode) {
    const silentMs = context.now - (last ?? fromWireTime(episode.raised_at) - limit);
    changes.push({ action: 'clear', subject, event_time: toWireTime(context.now), reason: backReason(device, silentMs), evidence: { back_at: toWireTime(context.now), silent_s: Math.round(silentMs / 1000) } });
  }
  if (device.bus !== undefined && context.episode(busSubject(device.bus))) changes.push(...busRecount(device.bus, context));
  return changes;
}

/** Devices of a bus silent for (nearly) their limit, or offline by their driver. */
function silentOnBus(bus: string, context: RuleContext): DeviceInfo[] {
  return busDevices(context.devices, bus).filter((device) => {
    if (context.devices.offlineSince(device.id) !== undefined) return true;
    const last = context.state<number>(device.id);
    const limit = limitFor(device, context);
    return last !== undefined && limit !== undefined && context.now - last >= limit - (device.pollIntervalMs ?? 0);
  });
}

function sayBusSilent(bus: string, silent: readonly DeviceInfo[], context: RuleContext): AlertChange[] {
  const subject = busSubject(bus);
  const open = context.episode(subject);
  const counted = context.state<number>(busKey(bus));
  if (open && counted === silent.length) return [];
  context.setState(busKey(bus), silent.length);
  const total = busDevices(context.devices, bus).length;
  const since = Math.min(...silent.map((device) => context.state<number>(device.id) ?? context.devices.offlineSince(device.id) ?? context.now));
  const reason = busSilentReason(bus, silent, total, since, context.now);
  const evidence: Evidence = { bus, silent_devices: silent.length, total_devices: total, silent_since: toWireTime(since), devices: silent.map((device) => device.id).join(',').slice(0, 200) };
  return [
    open
      ? { action: 'update', subject, event_time: toWireTime(context.now), reason, evidence }
      : { action: 'raise', subject, category: 'device_offline', severity: 'major', event_time: toWireTime(context.now), reason, evidence },
  ];
}

/** A device of a bus in outage read again: once the bus is no longer out, clear; the devices still silent wait one more limit. */
function busRecount(bus: string, context: RuleContext): AlertChange[] {
  const silent = silentOnBus(bus, context);
  const total = busDevices(context.devices, bus).length;
  if (isBusOutage(silent.length, total, context.config.devices)) return [];
  for (const device of silent) {
    const limit = limitFor(device, context) ?? 0;
    context.setState(heldKey(device.id), context.now + limit);
    context.setTimer(device.id, context.now + limit);
  }
  context.setState(busKey(bus), undefined);
  return [{ action: 'clear', subject: busSubject(bus), event_time: toWireTime(context.now), reason: busBackReason(bus, total - silent.length, total), evidence: { back_at: toWireTime(context.now), still_silent: silent.length } }];
}

function raise(device: DeviceInfo, limit: number, last: number | undefined, context: RuleContext): AlertChange {
  const silentMs = last === undefined ? limit : context.now - last;
  const why = context.state<OfflineReason>(whyKey(device.id));
  const missedPolls = device.pollIntervalMs === undefined ? undefined : Math.round(silentMs / device.pollIntervalMs);
  const heartbeat = device.pollIntervalMs === undefined ? context.state<Heartbeat>(beatKey(device.id))?.period : undefined;
  const evidence: Evidence = {
    device_kind: device.kind,
    profile: device.profile,
    subject_kind: device.subject.kind,
    subject_id: device.subject.id,
    last_good_reading_at: last === undefined ? null : toWireTime(last),
    silent_s: Math.round(silentMs / 1000),
    poll_interval_s: device.pollIntervalMs === undefined ? null : device.pollIntervalMs / 1000,
    driver_says: why ?? null,
  };
  if (heartbeat !== undefined) evidence.heartbeat_s = Math.round(heartbeat / 1000);
  return {
    action: 'raise',
    subject: subjectOf(device.id),
    category: 'device_offline',
    severity: 'minor',
    event_time: toWireTime(context.now),
    reason: silentReason(device, silentMs, missedPolls, why, heartbeat),
    evidence,
  };
}

function subjectOf(deviceId: string): Subject {
  return { kind: 'device', id: deviceId };
}

const busSubjects = new Map<string, Subject>();

function busSubject(bus: string): Subject {
  let subject = busSubjects.get(bus);
  if (!subject) busSubjects.set(bus, (subject = { kind: 'device', id: busSubjectId(bus) }));
  return subject;
}
