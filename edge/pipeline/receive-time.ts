import { fromWireTime, toWireTime } from '../../shared/contract/index.js';
import { judgeDeviceTime, type JudgedTime } from '../drivers/event-time.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';
import type { LatestDeviceStamps } from './latest-device-stamps.js';

/** Attribute of an event stamped by receive time for a wrong device clock: how far off it was, in seconds (positive: fast). */
export const CLOCK_OFFSET_ATTRIBUTE = 'device_clock_offset_s';

/** A clock offset as the status and the event attribute give it: seconds, to a tenth. */
export function offsetSeconds(offsetMs: number): number {
  return Math.round(offsetMs / 100) / 10;
}

export interface Stamped<T> {
  item: T;
  /** How far the device's clock was off (ms) when its stamp was replaced; null when it was believed. */
  wrongByMs: number | null;
}

/**
 * An event with its time judged against the gateway's clock at receipt (edge/drivers/event-time.ts
 * judgeDeviceTime): not later than `receivedAt` but to keep the device's order among the stamps
 * `stamps` holds (which it then notes), and the receive time, with the device's offset as an
 * attribute, when the device's clock is wrong. Ids stay: a retransmission is still the same item.
 */
export function stampEvent(event: CanonicalEvent, receivedAt: number, stamps?: LatestDeviceStamps): Stamped<CanonicalEvent> {
  const deviceMs = fromWireTime(event.event_time);
  const { eventMs, wrongByMs } = judgeAndNote(event.device_id, deviceMs, receivedAt, stamps);
  if (eventMs === deviceMs) return { item: event, wrongByMs };
  const attributes = wrongByMs === null ? event.attributes : { ...event.attributes, [CLOCK_OFFSET_ATTRIBUTE]: offsetSeconds(wrongByMs) };
  return { item: { ...event, event_time: toWireTime(eventMs), attributes }, wrongByMs };
}

/** A frame with its time judged as stampEvent does; every reading carries the frame's time. */
export function stampFrame(frame: ReadingFrame, receivedAt: number, stamps?: LatestDeviceStamps): Stamped<ReadingFrame> {
  const deviceMs = fromWireTime(frame.event_time);
  const { eventMs, wrongByMs } = judgeAndNote(frame.device_id, deviceMs, receivedAt, stamps);
  if (eventMs === deviceMs) return { item: frame, wrongByMs };
  const eventTime = toWireTime(eventMs);
  return { item: { ...frame, event_time: eventTime, readings: frame.readings.map((reading) => ({ ...reading, event_time: eventTime })) }, wrongByMs };
}

/** judgeDeviceTime against the device's latest believed stamp, which a believed stamp then becomes. */
function judgeAndNote(deviceId: string, deviceMs: number, receivedAt: number, stamps: LatestDeviceStamps | undefined): JudgedTime {
  const judgement = judgeDeviceTime(deviceMs, receivedAt, stamps?.get(deviceId));
  if (stamps && judgement.wrongByMs === null && Number.isFinite(deviceMs)) stamps.note(deviceId, { deviceMs, eventMs: judgement.eventMs });
  return judgement;
}
