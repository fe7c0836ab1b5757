import { describe, expect, it } from 'vitest';
import { EventItemSchema, ReadingItemSchema } from '../../../../../shared/contract/index.js';
import { stableId } from '../../../../../shared/ids.js';
import { MAX_DEVICE_PAYLOAD_BYTES, mapPayload, type MapResult } from '../../../../../edge/drivers/mqtt/payload-mapper.js';
import { GATE_DOOR, LIFT, T0, bytes, shippedProfile } from '../../../../edge/edge-fixtures.js';

const door = shippedProfile('door_controller_generic');
const lift = shippedProfile('lift_monitor_gbt24476');

function ok(result: MapResult) {
  if (!result.ok) throw new Error(`refused: ${result.problem.code} ${result.problem.message}`);
  for (const event of result.events) EventItemSchema.parse(event);
  for (const reading of result.frame?.readings ?? []) ReadingItemSchema.parse(reading);
  return result;
}

function refused(result: MapResult) {
  if (result.ok) throw new Error('expected a refusal');
  return result.problem;
}

const doorEvent = (minor: number, extra: Record<string, unknown> = {}) =>
  bytes({ serial_no: 139, major: 5, minor, time: '2026-11-24T16:00:00+08:00', ...extra });

describe('payload mapper: door controller (Hikvision minor codes, device-profiles/README.md)', () => {
  it.each([
    [0x19, 'door_opened'],
    [0x1a, 'door_closed'],
    [0x1b, 'door_forced'],
    [0x1c, 'door_held_open'],
    [0x17, 'rex_pressed'],
  ])('minor %i becomes %s', (minor, type) => {
    const { events } = ok(mapPayload(door, GATE_DOOR, doorEvent(minor), T0));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type, device_id: GATE_DOOR.id, subject: GATE_DOOR.subject, event_time: '2026-11-24T08:00:00.000Z' });
  });

  it('keeps the card number as credential_ref for the edge and the reason of a refusal', () => {
    const granted = ok(mapPayload(door, GATE_DOOR, doorEvent(0x01, { card_no: '11' }), T0)).events[0];
    expect(granted).toMatchObject({ type: 'credential_granted', attributes: { credential_type: 'card', credential_ref: '11' } });
    const denied = ok(mapPayload(door, GATE_DOOR, doorEvent(0x09, { card_no: '12' }), T0)).events[0];
    expect(denied?.attributes).toMatchObject({ reason: 'card_not_found', credential_ref: '12' });
  });

  it('makes the text of a device storable where it enters: a NUL in the card number becomes U+FFFD, counted', () => {
    const result = ok(mapPayload(door, GATE_DOOR, doorEvent(0x01, { card_no: '12\u00003\u001b[2J' }), T0));
    expect(result.events[0]).toMatchObject({ type: 'credential_granted', attributes: { credential_ref: '12\ufffd3\ufffd[2J' } });
    expect(result.ignored).toEqual([{ code: 'unstorable_text', message: 'card_no: 2 character(s) that are not storable text replaced by U+FFFD' }]);
    // Tabs and line breaks are storable: kept as they are, nothing counted.
    expect(ok(mapPayload(door, GATE_DOOR, doorEvent(0x01, { card_no: '12\t3' }), T0)).ignored).toEqual([]);
  });

  it('gives a retransmission the same id and a new serial a new one', () => {
    const first = ok(mapPayload(door, GATE_DOOR, doorEvent(0x19), T0)).events[0];
    const again = ok(mapPayload(door, GATE_DOOR, doorEvent(0x19), T0 + 5000)).events[0];
    const next = ok(mapPayload(door, GATE_DOOR, doorEvent(0x19, { serial_no: 140 }), T0)).events[0];
    expect(again?.id).toBe(first?.id);
    expect(first?.id).toBe(stableId(GATE_DOOR.id, 139, '2026-11-24T16:00:00+08:00', 'door_opened'));
    expect(next?.id).not.toBe(first?.id);
  });

  it('ignores other majors and reports an unmapped minor without refusing the payload', () => {
    expect(ok(mapPayload(door, GATE_DOOR, doorEvent(0x19, { major: 2 }), T0)).events).toEqual([]);
    const doorbell = ok(mapPayload(door, GATE_DOOR, doorEvent(0x25), T0));
    expect(doorbell.events).toEqual([]);
    expect(doorbell.ignored.map((p) => p.code)).toEqual(['unmapped_code']);
  });

  it('refuses a payload missing a required field, naming every missing one', () => {
    const problem = refused(mapPayload(door, GATE_DOOR, bytes({ serial_no: 1, time: '2026-11-24T08:00:00Z' }), T0));
    expect(problem).toEqual({ code: 'missing_field', message: 'missing field(s): major, minor' });
  });

  it('refuses a code that is not an integer', () => {
    expect(refused(mapPayload(door, GATE_DOOR, doorEvent(0x19, { minor: 'open' }), T0)).code).toBe('bad_field');
  });
});

describe('payload mapper: lift monitor (GB/T 24476-derived, device-profiles/README.md)', () => {
  const frame = {
    time: '2026-11-24T08:00:00.000Z',
    seq: 57,
    car_status: 0,
    car_direction: 0,
    door_zone: 2,
    car_position: 7,
    door_status: 1,
    passenger_status: 1,
    service_mode: 1,
  };

  it('turns status points into canonical readings with units and value maps', () => {
    const result = ok(mapPayload(lift, LIFT, bytes(frame), T0 + 1000));
    const values = Object.fromEntries(result.frame!.readings.map((r) => [r.point, [r.value, r.unit]]));
    expect(values).toEqual({
      car_status: [0, 'bool'],
      car_direction: [0, 'enum'],
      door_zone: [0, 'bool'], // device 2 = not in the door zone
      car_position: [7, 'floor'],
      door_status: [1, 'bool'], // device 1 = closed and locked
      passenger_status: [1, 'bool'], // device 1 = occupied
      service_mode: [1, 'enum'], // normal
    });
    expect(result.frame).toMatchObject({ device_id: LIFT.id, subject: LIFT.subject, event_time: '2026-11-24T08:00:00.000Z' });
    expect(result.events).toEqual([]);
  });

  it('maps event 90 to lift_alarm_button', () => {
    const { events } = ok(mapPayload(lift, LIFT, bytes({ time: frame.time, seq: 58, event_code: 90 }), T0));
    expect(events.map((e) => e.type)).toEqual(['lift_alarm_button']);
  });

  it('maps events 41 and 42 to power lost and a service mode change', () => {
    const power = ok(mapPayload(lift, LIFT, bytes({ seq: 1, event_code: 41 }), T0)).events[0];
    const out = ok(mapPayload(lift, LIFT, bytes({ seq: 2, event_code: 42 }), T0)).events[0];
    expect(power?.type).toBe('lift_power_lost');
    expect(out).toMatchObject({ type: 'lift_service_mode_changed', attributes: { service_mode: 'out_of_service' } });
  });

  it('ignores event code 0 (no event) while still reading the points beside it', () => {
    const result = ok(mapPayload(lift, LIFT, bytes({ ...frame, event_code: 0, fault_code: 0 }), T0));
    expect(result.events).toEqual([]);
    expect(result.frame?.readings).toHaveLength(7);
  });

  it.each([
    [1, 'safety_circuit_broken'],
    [4, 'stopped_outside_door_zone'],
    [5, 'unintended_movement'],
    [11, 'passenger_trapped'],
  ])('maps fault code %i to %s, raised and recovered', (code, fault) => {
    const raised = ok(mapPayload(lift, LIFT, bytes({ seq: 3, fault_code: code, fault_active: 1 }), T0)).events[0];
    const implicit = ok(mapPayload(lift, LIFT, bytes({ seq: 3, fault_code: code }), T0)).events[0];
    const cleared = ok(mapPayload(lift, LIFT, bytes({ seq: 4, fault_code: code, fault_active: 0 }), T0)).events[0];
    expect(raised).toMatchObject({ type: 'lift_fault', attributes: { fault } });
    expect(implicit?.type).toBe('lift_fault');
    expect(cleared).toMatchObject({ type: 'lift_fault_cleared', attributes: { fault } });
  });

  it('gives an event and a fault in one payload distinct ids', () => {
    const { events } = ok(mapPayload(lift, LIFT, bytes({ seq: 9, event_code: 90, fault_code: 11 }), T0));
    expect(events.map((e) => e.type)).toEqual(['lift_alarm_button', 'lift_fault']);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('skips a point outside its value map and keeps the rest', () => {
    const result = ok(mapPayload(lift, LIFT, bytes({ ...frame, door_zone: 3, car_position: 'seven' }), T0));
    expect(result.frame?.readings.map((r) => r.point)).not.toContain('door_zone');
    expect(result.frame?.readings.map((r) => r.point)).not.toContain('car_position');
    expect(result.ignored.map((p) => p.code)).toEqual(['bad_value', 'bad_value']);
  });
});

describe('payload mapper: malformed payloads and time', () => {
  it('refuses bytes that are not JSON', () => {
    expect(refused(mapPayload(lift, LIFT, bytes('{"seq": 1, '), T0)).code).toBe('not_json');
    expect(refused(mapPayload(lift, LIFT, Buffer.from([0xff, 0xfe, 0x00]), T0)).code).toBe('not_json');
  });

  it('refuses JSON that is not an object', () => {
    expect(refused(mapPayload(lift, LIFT, bytes('[1,2]'), T0)).code).toBe('not_object');
    expect(refused(mapPayload(lift, LIFT, bytes('42'), T0)).code).toBe('not_object');
  });

  it('refuses an object with nothing the profile knows', () => {
    expect(refused(mapPayload(lift, LIFT, bytes({ time: '2026-11-24T08:00:00Z', hello: 1 }), T0)).code).toBe('no_content');
  });

  it('refuses an oversized payload before parsing it', () => {
    expect(refused(mapPayload(lift, LIFT, Buffer.alloc(MAX_DEVICE_PAYLOAD_BYTES + 1, 0x20), T0)).code).toBe('too_large');
  });

  it.each([
    ['not a time', 'yesterday'],
    ['a local time without zone', '2026-11-24T16:00:00'],
    ['a number', 1764000000000],
    ['beyond the year 9999', '+010000-01-01T00:00:00Z'],
  ])('uses the receive time when the device time is %s', (_label, time) => {
    const result = ok(mapPayload(lift, LIFT, bytes({ time, seq: 5, event_code: 90 }), T0));
    expect(result.events[0]?.event_time).toBe('2026-11-24T08:00:00.000Z');
    expect(result.ignored.map((p) => p.code)).toEqual(['bad_time']);
  });

  it('passes a readable device time on as it is: whether the clock is believed is the pipeline\'s call', () => {
    // A reset RTC; tests/edge/device-clock.test.ts has what the gateway makes of it.
    const result = ok(mapPayload(lift, LIFT, bytes({ time: '2000-01-01T00:00:00Z', seq: 5, event_code: 90 }), T0));
    expect(result.events[0]?.event_time).toBe('2000-01-01T00:00:00.000Z');
    expect(result.ignored).toEqual([]);
  });

  it('uses the receive time when the payload has no time, and a fresh id without a serial', () => {
    const a = ok(mapPayload(lift, LIFT, bytes({ event_code: 90 }), T0 + 7)).events[0];
    const b = ok(mapPayload(lift, LIFT, bytes({ event_code: 90 }), T0 + 7)).events[0];
    expect(a?.event_time).toBe('2026-11-24T08:00:00.007Z');
    expect(a?.id).not.toBe(b?.id);
  });
});
