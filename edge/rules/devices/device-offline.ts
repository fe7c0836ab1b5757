import { fromWireTime, toWireTime, type Evidence, type Subject } from '../../../shared/contract/index.js';
import type { OfflineReason } from '../../drivers/driver.js';
import type { AlertChange, DeviceInfo, Rule, RuleContext } from '../rule.js';
import { backReason, silentReason } from './device-offline-reasons.js';
import { silenceLimitMs } from './silence-limit.js';

export const DEVICE_OFFLINE_RULE_ID = 'device_offline';

/** State keys: the device id holds its last good reading time; why:<device id> what the driver said. */
const whyKey = (deviceId: string): string => `why:${deviceId}`;

/**
 * No data is not no activity (issue 4): a device without a good reading for longer than its
 * silence limit (silence-limit.ts: N poll periods, or a limit per kind for devices that push) gets
 * a minor device_offline alert on the device itself (subject kind device; P3, facilities), and the
 * alert clears with the next good reading. At start every watched device gets a full limit, since
 * the hours the gateway itself was down are not the device's silence.
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
        const limit = silenceLimitMs(device, context.config.devices);
        if (limit !== undefined && !context.episode(subjectOf(device.id))) context.setTimer(device.id, context.now + limit);
      }
      return [];
    },
    onReadings: (frame, context) => (frame.readings.length > 0 ? seen(frame.device_id, context) : []),
    onEvent: (event, context) => seen(event.device_id, context),
    onAvailability(device, availability, context) {
      context.setState(whyKey(device.id), availability.online ? undefined : availability.reason);
      return [];
    },
    onTimer(deviceId, context) {
      const device = context.devices.get(deviceId);
      const limit = device && silenceLimitMs(device, context.config.devices);
      if (!device || limit === undefined) {
        context.setState(deviceId, undefined); // no longer watched: a later first reading re-arms
        return [];
      }
      if (context.episode(subjectOf(deviceId))) return [];
      const last = context.state<number>(deviceId);
      if (last !== undefined && last + limit > context.now) {
        context.setTimer(deviceId, last + limit);
        return [];
      }
      return [raise(device, limit, last, context)];
    },
  };
}

/** A sign of life at context.now: noted (the timer moves on when it comes due); ends an open episode. */
function seen(deviceId: string, context: RuleContext): AlertChange[] {
  const device = context.devices.get(deviceId);
  if (!device) return [];
  const limit = silenceLimitMs(device, context.config.devices);
  if (limit === undefined) return [];
  const last = context.state<number>(deviceId);
  if (last !== undefined && context.now <= last) return []; // a late or repeated sample: nothing new
  context.setState(deviceId, context.now);
  const subject = subjectOf(deviceId);
  const episode = context.episode(subject);
  // The first reading ever (or since the device became watched) arms the timer; so does the end of an episode.
  if (last === undefined || episode) context.setTimer(deviceId, context.now + limit);
  if (!episode) return [];
  const silentMs = context.now - (last ?? fromWireTime(episode.raised_at) - limit);
  return [{ action: 'clear', subject, event_time: toWireTime(context.now), reason: backReason(device, silentMs), evidence: { back_at: toWireTime(context.now), silent_s: Math.round(silentMs / 1000) } }];
}

function raise(device: DeviceInfo, limit: number, last: number | undefined, context: RuleContext): AlertChange {
  const silentMs = last === undefined ? limit : context.now - last;
  const why = context.state<OfflineReason>(whyKey(device.id));
  const missedPolls = device.pollIntervalMs === undefined ? undefined : Math.round(silentMs / device.pollIntervalMs);
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
  return {
    action: 'raise',
    subject: subjectOf(device.id),
    category: 'device_offline',
    severity: 'minor',
    event_time: toWireTime(context.now),
    reason: silentReason(device, silentMs, missedPolls, why),
    evidence,
  };
}

function subjectOf(deviceId: string): Subject {
  return { kind: 'device', id: deviceId };
}
