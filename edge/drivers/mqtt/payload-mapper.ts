import type { EventAttributes, EventType, ReadingItem } from '../../../shared/contract/index.js';
import { toStorableText, toWireTime } from '../../../shared/contract/index.js';
import { newId, stableId } from '../../../shared/ids.js';
import type { CanonicalEvent, DeviceRef, ReadingFrame } from '../../model/device-data.js';
import { deviceUnitFactor } from '../../profiles/reading-units.js';
import { readingValue } from '../../values/point-transform.js';
import type { MqttDeviceProfile } from './mqtt-profile.js';
import type { DeviceDataProblem } from '../driver.js';
import { parseDeviceTime } from '../event-time.js';
import { codeTablesOf } from './code-tables.js';
import { fieldAt, isJsonObject, show, type JsonObject } from './payload-fields.js';
import { describeVendorCode, parseVendorCode } from './vendor-code.js';

/** Largest device payload read; device messages are a few hundred bytes. */
export const MAX_DEVICE_PAYLOAD_BYTES = 64 * 1024;
/** Longest string attribute the wire accepts (shared/contract/event.ts). */
const MAX_ATTRIBUTE_CHARS = 200;

export type MapResult =
  | { ok: true; events: CanonicalEvent[]; frame: ReadingFrame | null; ignored: DeviceDataProblem[] }
  | { ok: false; problem: DeviceDataProblem };

/**
 * Maps one raw MQTT payload of a device to canonical events and a reading frame, following the
 * device's profile. Pure apart from newId() for payloads without a serial number.
 *
 * Item ids: with a device serial, stableId(device id, serial, the device's raw time text, type or
 * point), so a retransmission of the same message collapses downstream while a serial that restarts
 * after a device reset (with a new time) does not collide. Without a serial, newId().
 */
export function mapPayload(profile: MqttDeviceProfile, device: DeviceRef, payload: Uint8Array, receivedAt: number): MapResult {
  const section = profile.mqtt;
  if (payload.byteLength > MAX_DEVICE_PAYLOAD_BYTES) {
    return refuse('too_large', `payload of ${payload.byteLength} bytes exceeds ${MAX_DEVICE_PAYLOAD_BYTES}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (error) {
    return refuse('not_json', `payload is not JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(json)) return refuse('not_object', `payload is ${show(json)}, not a JSON object`);

  const missing = section.required_fields.filter((field) => fieldAt(json, field) === undefined);
  if (missing.length > 0) return refuse('missing_field', `missing field(s): ${missing.join(', ')}`);

  const serialField = section.fields.serial;
  const serial = serialField === undefined ? undefined : fieldAt(json, serialField);
  if (serial !== undefined && !isSerial(serial)) {
    return refuse('bad_field', `${serialField} must be a non-negative integer or a short string, got ${show(serial)}`);
  }

  const ignored: DeviceDataProblem[] = [];
  const timeField = section.fields.event_time;
  const rawTime = timeField === undefined ? undefined : fieldAt(json, timeField);
  // Whether a readable device time is believed is decided in the pipeline, for every driver alike
  // (edge/pipeline/receive-time.ts), where the device's clock is judged against the gateway's.
  let eventMs = receivedAt;
  if (rawTime !== undefined) {
    const deviceMs = parseDeviceTime(rawTime, section.time_format);
    if (deviceMs !== null) eventMs = deviceMs;
    else ignored.push({ code: 'bad_time', message: `${timeField} ${show(rawTime)} is not a ${section.time_format} time; receive time used` });
  }
  const eventTime = toWireTime(eventMs);
  const idFor = (part: string): string =>
    serial === undefined ? newId() : stableId(device.id, serial, typeof rawTime === 'string' ? rawTime : show(rawTime ?? ''), part);

  const eventTypes = extractEvents(profile, json, ignored);
  if (!Array.isArray(eventTypes)) return { ok: false, problem: eventTypes };
  const attributesFromPayload = copyAttributes(profile, json, ignored);
  const events: CanonicalEvent[] = eventTypes.map(({ type, attributes }) => ({
    id: idFor(type),
    device_id: device.id,
    subject: device.subject,
    type,
    event_time: eventTime,
    attributes: { ...attributesFromPayload, ...attributes },
  }));

  const readings = extractReadings(profile, json, ignored, idFor, device.id, eventTime);
  const recognised = readings.recognised || eventTypes.recognised;
  if (!recognised) {
    return refuse('no_content', 'payload has no event code, fault code or status point of the profile');
  }
  const frame: ReadingFrame | null =
    readings.items.length > 0 ? { device_id: device.id, subject: device.subject, event_time: eventTime, readings: readings.items } : null;
  return { ok: true, events, frame, ignored };
}

type ExtractedEvents = Array<{ type: EventType; attributes: EventAttributes }> & { recognised: boolean };

/** Events from the event table and the fault table; a refusal when a code field holds garbage. */
function extractEvents(profile: MqttDeviceProfile, json: JsonObject, ignored: DeviceDataProblem[]): ExtractedEvents | DeviceDataProblem {
  const { events: eventTable, faults: faultTable } = profile.mqtt;
  const tables = codeTablesOf(profile);
  const found = Object.assign([] as Array<{ type: EventType; attributes: EventAttributes }>, { recognised: false });

  if (eventTable) {
    const raw = fieldAt(json, eventTable.code_field);
    if (raw !== undefined) {
      found.recognised = true;
      const code = parseVendorCode(raw);
      if (code === null) return problem('bad_field', `${eventTable.code_field} ${show(raw)} is not an integer code`);
      const applies = Object.entries(eventTable.when).every(([field, value]) => fieldAt(json, field) === value);
      const mapping = tables.events.get(code);
      if (applies && !tables.ignoredEvents.has(code)) {
        if (mapping) found.push({ type: mapping.type, attributes: mapping.attributes });
        else ignored.push({ code: 'unmapped_code', message: `event code ${describeVendorCode(code)} is not in profile ${profile.id}` });
      }
    }
  }

  if (faultTable) {
    const raw = fieldAt(json, faultTable.code_field);
    if (raw !== undefined) {
      found.recognised = true;
      const code = parseVendorCode(raw);
      if (code === null) return problem('bad_field', `${faultTable.code_field} ${show(raw)} is not an integer code`);
      const fault = tables.faults.get(code);
      if (code !== tables.noFault) {
        if (fault) {
          const state = faultTable.state_field === undefined ? undefined : fieldAt(json, faultTable.state_field);
          const cleared = state !== undefined && state === faultTable.cleared_value;
          found.push({ type: cleared ? 'lift_fault_cleared' : 'lift_fault', attributes: { fault } });
        } else {
          ignored.push({ code: 'unmapped_code', message: `fault code ${code} is not in profile ${profile.id}` });
        }
      }
    }
  }
  return found;
}

/**
 * Payload fields copied onto every event (e.g. card_no -> credential_ref), scalars only. Text is
 * made storable here, where it enters: a character no store should hold (a NUL in a reader number)
 * becomes U+FFFD and is counted, so the event still goes through and cannot stall the cloud.
 */
function copyAttributes(profile: MqttDeviceProfile, json: JsonObject, ignored: DeviceDataProblem[]): EventAttributes {
  const attributes: EventAttributes = {};
  for (const [field, name] of Object.entries(profile.mqtt.attribute_fields)) {
    const value = fieldAt(json, field);
    if (value === undefined) continue;
    if (typeof value === 'string' && value.length <= MAX_ATTRIBUTE_CHARS) {
      const storable = toStorableText(value);
      if (storable.replaced > 0) {
        ignored.push({ code: 'unstorable_text', message: `${field}: ${storable.replaced} character(s) that are not storable text replaced by U+FFFD` });
      }
      attributes[name] = storable.text;
    } else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') {
      attributes[name] = value;
    } else {
      ignored.push({ code: 'bad_attribute', message: `${field} is not a short scalar; not copied` });
    }
  }
  return attributes;
}

function extractReadings(
  profile: MqttDeviceProfile,
  json: JsonObject,
  ignored: DeviceDataProblem[],
  idFor: (point: string) => string,
  deviceId: string,
  eventTime: string,
): { items: ReadingItem[]; recognised: boolean } {
  const items: ReadingItem[] = [];
  let recognised = false;
  for (const [point, spec] of Object.entries(profile.mqtt.status_points)) {
    const field = spec.field ?? point;
    const raw = fieldAt(json, field);
    if (raw === undefined) continue;
    recognised = true;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      ignored.push({ code: 'bad_value', message: `${field} ${show(raw)} is not a number` });
      continue;
    }
    let value = raw;
    if (spec.value_map) {
      const mapped = Number.isInteger(raw) ? spec.value_map[String(raw)] : undefined;
      if (mapped === undefined) {
        ignored.push({ code: 'bad_value', message: `${field} ${raw} is not one of ${Object.keys(spec.value_map).join(', ')}` });
        continue;
      }
      value = mapped;
    }
    if (spec.device_unit !== undefined) value = readingValue(value, deviceUnitFactor(spec));
    items.push({ id: idFor(point), device_id: deviceId, point, value, unit: spec.unit, event_time: eventTime });
  }
  return { items, recognised };
}

function isSerial(value: unknown): value is string | number {
  return (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) || (typeof value === 'string' && value.length > 0 && value.length <= 64);
}

function problem(code: DeviceDataProblem['code'], message: string): DeviceDataProblem {
  return { code, message };
}

function refuse(code: DeviceDataProblem['code'], message: string): MapResult {
  return { ok: false, problem: problem(code, message) };
}
