import { describe, expect, it } from 'vitest';
import { DeviceProfileSchema } from '../../../../../edge/drivers/shipped-protocols.js';
import type { DeviceProfile } from '../../../../../edge/profiles/device-profile.js';
import { dlt645Protocol } from '../../../../../edge/drivers/dlt645/dlt645-protocol.js';
import { runDlt645Transaction } from '../../../../../edge/drivers/dlt645/dlt645-transaction.js';
import { fromHex } from '../../../../../edge/drivers/frame-codec/hex.js';
import { expectBusError } from '../../../../drivers/expect-bus-error.js';
import { meterDevice, meterProfile } from '../../../../drivers/meter-harness.js';

const METER = '123456789012';

function profileWith(points: Array<{ name: string; unit: string; attributes: Record<string, unknown> }>, settings?: Record<string, unknown>) {
  return DeviceProfileSchema.safeParse({
    id: 'test_meter',
    version: 1,
    kind: 'electricity_meter',
    manufacturer: 'test',
    model: 'test',
    description: 'test',
    driver: 'dlt645',
    ...(settings ? { settings } : {}),
    points,
  });
}

/** The value a poll step reads from a reply frame, through the transaction and the step's decode. */
async function decodeThroughStep(profile: DeviceProfile, point: string, replyHex: string): Promise<number | undefined> {
  const step = dlt645Protocol.planPoll(meterDevice(profile, METER)).find((candidate) => candidate.points.includes(point));
  if (!step) throw new Error(`no step reads ${point}`);
  const reply = await runDlt645Transaction(step.request, async () => fromHex(replyHex), 1000);
  return step.decode(reply).find((value) => value.point === point)?.raw;
}

describe('dlt645_single_phase_meter profile', () => {
  const profile = meterProfile('dlt645_single_phase_meter');

  it('plans one read per DI, with the FE count and wire sizes of the settings', () => {
    const steps = dlt645Protocol.planPoll(meterDevice(profile, METER));
    expect(steps.map((step) => step.request.kind === 'read' && step.request.di)).toEqual(['00010000', '00000000', '02010100', '02020100', '02030000', '02800002']);
    expect(steps[0]?.request).toMatchObject({ preambleCount: 4, address: METER });
    // FE x4 + 68 A x6 68 C L + DI x4 + CS 16 = 20; reply 68 A x6 68 C L + DI + 4 value bytes + CS 16 = 20
    expect(steps[0]?.wireBytes).toEqual({ request: 20, reply: 20 });
  });

  it('decodes the worked replies of edge/drivers/dlt645/README.md through its poll steps, the negative power included', async () => {
    expect(await decodeThroughStep(profile, 'forward_active_energy', '68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16')).toBe(1234.56);
    expect(await decodeThroughStep(profile, 'voltage', '68 12 90 78 56 34 12 68 91 06 33 34 34 35 34 55 76 16')).toBe(220.1);
    expect(await decodeThroughStep(profile, 'current', '68 12 90 78 56 34 12 68 91 07 33 34 35 35 67 45 33 CE 16')).toBe(1.234);
    expect(await decodeThroughStep(profile, 'active_power', '68 12 90 78 56 34 12 68 91 07 33 33 36 35 9A 78 B3 B4 16')).toBe(-0.4567);
  });

  it('a reply longer than the format is malformed, not misread (reply_length: exact)', async () => {
    // 1.234 A (3 bytes) offered to the voltage step (XXX.X, 2 bytes) under the voltage DI
    const step = dlt645Protocol.planPoll(meterDevice(profile, METER)).find((s) => s.points.includes('voltage'));
    await expectBusError(() => step?.decode({ address: METER, data: fromHex('34 12 00'), frames: 1 }), 'malformed');
  });

  it('a device address that is not 12 digits is refused when the poll is planned', () => {
    expect(() => dlt645Protocol.planPoll(meterDevice(profile, '12345678901'))).toThrow('12-digit');
  });
});

describe('dlt645 profile schema', () => {
  it('fills the settings defaults: 4 FE, exact reply length', () => {
    const result = profileWith([{ name: 'energy', unit: 'kWh', attributes: { di: '00010000', format: 'XXXXXX.XX' } }]);
    expect(result.success && result.data.driver === 'dlt645' && result.data.settings).toEqual({ preamble_count: 4, reply_length: 'exact' });
  });

  it('refuses two points reading the same DI', () => {
    const result = profileWith([
      { name: 'energy', unit: 'kWh', attributes: { di: '00010000', format: 'XXXXXX.XX' } },
      { name: 'energy_again', unit: 'kWh', attributes: { di: '00010000', format: 'XXXXXX.XX' } },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['points', 1, 'attributes'] });
    expect(result.error?.issues[0]?.message).toContain('points.0 (energy)');
  });

  it('reads the three items of a block DI in one step (data_offset 0, 2, 4)', () => {
    const result = profileWith(
      ['a', 'b', 'c'].map((phase, index) => ({ name: `voltage_${phase}`, unit: 'V', attributes: { di: '0201FF00', format: 'XXX.X', data_offset: 2 * index } })),
    );
    expect(result.success).toBe(true);
    if (!result.success) return;
    const steps = dlt645Protocol.planPoll(meterDevice(result.data, METER));
    expect(steps).toHaveLength(1);
    // 01 22 02 22 03 22 (after -0x33): 220.1, 220.2, 220.3
    expect(steps[0]?.decode({ address: METER, data: fromHex('01 22 02 22 03 22'), frames: 1 })).toEqual([
      { point: 'voltage_a', raw: 220.1 },
      { point: 'voltage_b', raw: 220.2 },
      { point: 'voltage_c', raw: 220.3 },
    ]);
  });

  it('refuses overlapping bytes of one DI, bad DIs, bad formats and too many FE', () => {
    expect(
      profileWith([
        { name: 'a', unit: 'V', attributes: { di: '0201FF00', format: 'XXX.X' } },
        { name: 'b', unit: 'V', attributes: { di: '0201ff00', format: 'XXX.X', data_offset: 1 } },
      ]).success,
    ).toBe(false);
    expect(profileWith([{ name: 'a', unit: 'V', attributes: { di: '0201010', format: 'XXX.X' } }]).success).toBe(false);
    expect(profileWith([{ name: 'a', unit: 'V', attributes: { di: '02010100', format: 'XXX,X' } }]).success).toBe(false);
    expect(profileWith([{ name: 'a', unit: 'V', attributes: { di: '02010100', format: 'XXXXXXXXXXXXXXX' } }]).success).toBe(false);
    expect(profileWith([{ name: 'a', unit: 'V', attributes: { di: '02010100', format: 'XXX.X' } }], { preamble_count: 5 }).success).toBe(false);
  });
});
