import { describe, expect, it } from 'vitest';
import { mapPayload } from '../../../../edge/drivers/mqtt/payload-mapper.js';
import type { CanonicalEvent, ReadingFrame } from '../../../../edge/model/device-data.js';
import { eventForUplink, readingsForUplink } from '../../../../edge/privacy/uplink-policy.js';
import { FLAT_DOOR, GATE_DOOR, T0, bytes, shippedProfile } from '../../../edge/edge-fixtures.js';

const door = shippedProfile('door_controller_generic');

function doorEvent(device: typeof GATE_DOOR, fields: Record<string, unknown>): CanonicalEvent {
  const result = mapPayload(door, device, bytes({ serial_no: 7, major: 5, time: '2026-11-24T08:00:00Z', ...fields }), T0);
  if (!result.ok || !result.events[0]) throw new Error('fixture did not map');
  return result.events[0];
}

describe('uplink policy', () => {
  it('keeps household (unit) events on the gateway', () => {
    expect(eventForUplink(doorEvent(FLAT_DOOR, { minor: 0x19 }))).toBeNull();
  });

  it('strips card numbers and names from asset events and keeps the rest', () => {
    const local = doorEvent(GATE_DOOR, { minor: 0x01, card_no: '1234567', name: 'Wang Fang', reader_no: 2 });
    expect(local.attributes).toMatchObject({ credential_ref: '1234567', person_name: 'Wang Fang' });
    const up = eventForUplink(local);
    expect(up?.attributes).toEqual({ credential_type: 'card', reader_no: 2 });
    expect(JSON.stringify(up)).not.toContain('1234567');
    expect(JSON.stringify(up)).not.toContain('Wang');
    expect(local.attributes.credential_ref).toBe('1234567');
  });

  it('sends asset readings and keeps household readings', () => {
    const reading = { id: 'r-00000001', device_id: 'meter-1', point: 'energy', value: 1.5, unit: 'kWh' as const, event_time: '2026-11-24T08:00:00.000Z' };
    const frame = (kind: 'asset' | 'unit'): ReadingFrame => ({ device_id: 'meter-1', subject: { kind, id: 's-1' }, event_time: reading.event_time, readings: [reading] });
    expect(readingsForUplink(frame('asset'))).toEqual([reading]);
    expect(readingsForUplink(frame('unit'))).toEqual([]);
  });
});
