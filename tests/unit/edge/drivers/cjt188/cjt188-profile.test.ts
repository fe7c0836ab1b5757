import { describe, expect, it } from 'vitest';
import { DeviceProfileSchema } from '../../../../../edge/drivers/shipped-protocols.js';
import { cjt188Protocol } from '../../../../../edge/drivers/cjt188/cjt188-protocol.js';
import { statusLayoutOf } from '../../../../../edge/drivers/cjt188/cjt188-profile.js';
import { decodeStatus } from '../../../../../edge/drivers/cjt188/cjt188-status.js';
import { runCjt188Transaction } from '../../../../../edge/drivers/cjt188/cjt188-transaction.js';
import { fromHex } from '../../../../../edge/drivers/frame-codec/hex.js';
import { expectBusError } from '../../../../drivers/expect-bus-error.js';
import { meterDevice, meterProfile } from '../../../../drivers/meter-harness.js';

const REAL_METER = '00002020120218';
const REAL_REPLY = 'FE FE FE FE 68 10 18 02 12 20 20 00 00 81 16 90 1F 00 00 02 00 00 2C 00 02 00 00 2C 00 00 00 00 00 00 00 00 FF 85 16';
const POINTS = ['current_volume', 'settlement_volume', 'valve_state', 'battery_low'].map((field) => ({
  name: field,
  unit: field.endsWith('volume') ? 'm3' : field === 'valve_state' ? 'enum' : 'bool',
  attributes: { field },
}));

function profileWith(settings?: Record<string, unknown>, points: unknown[] = POINTS) {
  return DeviceProfileSchema.safeParse({
    id: 'test_water',
    version: 1,
    kind: 'water_meter',
    manufacturer: 'test',
    model: 'test',
    description: 'test',
    driver: 'cjt188',
    ...(settings ? { settings } : {}),
    points,
  });
}

function sectionOf(result: ReturnType<typeof profileWith>) {
  if (!result.success || result.data.driver !== 'cjt188') throw new Error(`profile refused: ${result.error?.message}`);
  return result.data.settings;
}

/** The real-meter reply with its unit codes replaced, checksum recomputed. */
function replyWithUnit(unit: number): Uint8Array {
  const bytes = fromHex(REAL_REPLY);
  bytes[4 + 18] = unit; // 68 at 4; DATA at 4+11; unit at DATA+7
  bytes[4 + 23] = unit;
  bytes[bytes.length - 2] = bytes.subarray(4, bytes.length - 2).reduce((sum, byte) => (sum + byte) & 0xff, 0);
  return bytes;
}

describe('cjt188_cold_water_meter profile', () => {
  const profile = meterProfile('cjt188_cold_water_meter');

  it('plans one 0x901F read and decodes the real-meter reply of edge/drivers/cjt188/README.md: 2 m3, 2 m3, open, battery normal', async () => {
    const steps = cjt188Protocol.planPoll(meterDevice(profile, REAL_METER));
    expect(steps).toHaveLength(1);
    const step = steps[0];
    if (!step) throw new Error('no poll step planned');
    expect(step.request).toMatchObject({ kind: 'read_data', meterType: 0x10, di: 0x901f, diOrder: 'high_first', preambleCount: 4 });
    // FE x4 + 68 T A x7 C L + DI SER + CS 16 = 20; reply 13 + L 22 = 35
    expect(step.wireBytes).toEqual({ request: 20, reply: 35 });
    const reply = await runCjt188Transaction(step.request, 0, async () => fromHex(REAL_REPLY), 1000);
    expect(step.decode(reply)).toEqual([
      { point: 'current_volume', raw: 2 },
      { point: 'settlement_volume', raw: 2 },
      { point: 'valve_state', raw: 0 },
      { point: 'battery_low', raw: 0 },
    ]);
  });

  it('lists the UNVERIFIED x10 code: 0x2D reads 2.00 x 10 = 20 m3', async () => {
    const [step] = cjt188Protocol.planPoll(meterDevice(profile, REAL_METER));
    if (!step) throw new Error('no poll step planned');
    const reply = await runCjt188Transaction(step.request, 0, async () => replyWithUnit(0x2d), 1000);
    expect(step.decode(reply)[0]).toEqual({ point: 'current_volume', raw: 20 });
  });
});

describe('cjt188 profile schema', () => {
  it('defaults: cold water 0x10, DI 90 1F, 4 FE, SER echo, L and m3 only, D1D0 valve / D2 battery', () => {
    expect(sectionOf(profileWith())).toEqual({
      meter_type: 0x10,
      di_order: 'high_first',
      preamble_count: 4,
      require_ser_echo: true,
      volume_units: { '0x29': 0.001, '0x2C': 1 },
      status: { byte: 0, valve_mask: 0x03, valve_shift: 0, valve_values: { 0: 'open', 1: 'closed', 3: 'abnormal' }, battery_mask: 0x04 },
    });
  });

  it('without the x10/x100 codes listed, a 0x2D reply is malformed and says which code', async () => {
    const result = profileWith();
    if (!result.success) throw result.error;
    const [step] = cjt188Protocol.planPoll(meterDevice(result.data, REAL_METER));
    if (!step) throw new Error('no poll step planned');
    const reply = await runCjt188Transaction(step.request, 0, async () => replyWithUnit(0x2d), 1000);
    const error = await expectBusError(() => step.decode(reply), 'malformed');
    expect(error.message).toContain('0x2D');
  });

  it('a litre meter (0x29): 00 02 00 00 -> 000002.00 L -> 0.002 m3', async () => {
    const result = profileWith();
    if (!result.success) throw result.error;
    const [step] = cjt188Protocol.planPoll(meterDevice(result.data, REAL_METER));
    if (!step) throw new Error('no poll step planned');
    const reply = await runCjt188Transaction(step.request, 0, async () => replyWithUnit(0x29), 1000);
    expect(step.decode(reply)[0]).toEqual({ point: 'current_volume', raw: 0.002 });
  });

  it('expresses the xijunzhou ST layout: 00 open, 40 closed, C0 abnormal, 20 battery low', () => {
    const layout = statusLayoutOf(sectionOf(profileWith({ status: { valve_mask: 0xc0, valve_shift: 6, valve_values: { 0: 'open', 1: 'closed', 3: 'abnormal' }, battery_mask: 0x20 } })).status);
    expect(decodeStatus(fromHex('00 00'), layout)).toEqual({ valve: 'open', batteryLow: false });
    expect(decodeStatus(fromHex('40 00'), layout)).toEqual({ valve: 'closed', batteryLow: false });
    expect(decodeStatus(fromHex('C0 00'), layout)).toEqual({ valve: 'abnormal', batteryLow: false });
    expect(decodeStatus(fromHex('60 00'), layout)).toEqual({ valve: 'closed', batteryLow: true });
    // the same layout written without a shift, patterns as masked bytes
    const unshifted = statusLayoutOf(sectionOf(profileWith({ status: { valve_mask: 0xc0, valve_values: { '0x00': 'open', '0x40': 'closed', '0xC0': 'abnormal' }, battery_mask: 0x20 } })).status);
    expect(decodeStatus(fromHex('40 00'), unshifted).valve).toBe('closed');
  });

  it('default layout: 21 84 -> D1D0 = 01 closed, D2 = 0 battery normal; an unlisted pattern (10) reads abnormal', () => {
    const layout = statusLayoutOf(sectionOf(profileWith()).status);
    expect(decodeStatus(fromHex('21 84'), layout)).toEqual({ valve: 'closed', batteryLow: false });
    expect(decodeStatus(fromHex('06 00'), layout)).toEqual({ valve: 'abnormal', batteryLow: true });
  });

  it('refuses overlapping masks, patterns outside the mask, heat meter types and a field read twice', () => {
    expect(profileWith({ status: { valve_mask: 0x03, battery_mask: 0x02 } }).success).toBe(false);
    expect(profileWith({ status: { valve_mask: 0x03, valve_values: { 4: 'open' } } }).success).toBe(false);
    expect(profileWith({ meter_type: 0x20 }).success).toBe(false);
    const twice = profileWith(undefined, [...POINTS, { name: 'volume_again', unit: 'm3', attributes: { field: 'current_volume' } }]);
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]?.message).toContain('points.0 (current_volume)');
  });
});
