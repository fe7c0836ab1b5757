import { describe, expect, it } from 'vitest';
import { planReads, sliceReply } from '../../../../../edge/drivers/modbus/read-planner.js';
import { point, settings, shippedModbusProfile } from '../../../../drivers/modbus/modbus-fixtures.js';

const spans = (reads: ReturnType<typeof planReads>) => reads.map((read) => `${read.table} ${read.address} x${read.quantity}: ${read.points.map((p) => `${p.name}@${p.offset}`).join(' ')}`);

describe('read planner', () => {
  it('merges adjacent registers of one table into one read, in address order', () => {
    const reads = planReads([point('current', { address: 6 }), point('voltage', { address: 0 }), point('v2', { address: 2 }), point('v3', { address: 4 })], settings());
    expect(spans(reads)).toEqual(['input_register 0 x8: voltage@0 v2@2 v3@4 current@6']);
    expect(reads[0]!.functionCode).toBe(4);
  });

  it('spans unused registers only up to max_gap', () => {
    const points = [point('a', { address: 0 }), point('b', { address: 4 }), point('c', { address: 10 })];
    // a ends at 1, b starts at 4: gap 2; b ends at 5, c starts at 10: gap 4
    expect(spans(planReads(points, settings({ max_gap: 0 })))).toEqual(['input_register 0 x2: a@0', 'input_register 4 x2: b@0', 'input_register 10 x2: c@0']);
    expect(spans(planReads(points, settings({ max_gap: 2 })))).toEqual(['input_register 0 x6: a@0 b@4', 'input_register 10 x2: c@0']);
    expect(spans(planReads(points, settings({ max_gap: 4 })))).toEqual(['input_register 0 x12: a@0 b@4 c@10']);
  });

  it('splits a read at max_registers_per_read', () => {
    const points = [point('a', { address: 0 }), point('b', { address: 2 }), point('c', { address: 4 })];
    // a+b = 4 registers fit; adding c would make 6
    expect(spans(planReads(points, settings({ max_registers_per_read: 5 })))).toEqual(['input_register 0 x4: a@0 b@2', 'input_register 4 x2: c@0']);
  });

  it('reads every point alone when allow_merge is false', () => {
    const points = [point('a', { address: 0 }), point('b', { address: 2 })];
    expect(spans(planReads(points, settings({ allow_merge: false })))).toEqual(['input_register 0 x2: a@0', 'input_register 2 x2: b@0']);
  });

  it('keeps bit points of one register in one read even without merging', () => {
    const points = [
      point('running', { address: 0, type: 'bool', bit: 0 }),
      point('door', { address: 0, type: 'bool', bit: 2 }),
      point('floor', { address: 1, type: 'int16' }),
    ];
    expect(spans(planReads(points, settings({ allow_merge: false })))).toEqual(['input_register 0 x1: running@0 door@0', 'input_register 1 x1: floor@0']);
  });

  it('plans each table with its own function code and bit limit', () => {
    const points = [
      point('flow', { table: 'holding_register', address: 0 }),
      point('relay', { table: 'coil', address: 3, type: 'bool' }),
      point('relay2', { table: 'coil', address: 5, type: 'bool' }),
      point('alarm', { table: 'discrete_input', address: 0, type: 'bool' }),
    ];
    const reads = planReads(points, settings({ max_gap: 1, max_bits_per_read: 2 }));
    expect(reads.map((read) => [read.functionCode, read.address, read.quantity])).toEqual([
      [1, 3, 1], // coils 3 and 5 would make 3 bits, more than max_bits_per_read 2
      [1, 5, 1],
      [2, 0, 1],
      [3, 0, 2],
    ]);
  });

  it('refuses a point wider than one read allows, naming it', () => {
    expect(() => planReads([point('energy', { address: 0 })], settings({ max_registers_per_read: 1 }))).toThrow(/point "energy" spans 2 registers, more than the 1 one read allows/);
  });

  it('plans the SDM630 profile as the one 76-register read of edge/drivers/modbus/README.md (01 04 00 00 00 4C)', () => {
    const profile = shippedModbusProfile('eastron_sdm630');
    const reads = planReads(profile.points, profile.settings);
    expect(reads.map((read) => [read.functionCode, read.address, read.quantity])).toEqual([[4, 0x0000, 0x4c]]);
    expect(reads[0]!.points.find((p) => p.name === 'import_energy')?.offset).toBe(0x48);
  });

  it('plans the shipped profiles in few reads', () => {
    const count = (id: string) => {
      const profile = shippedModbusProfile(id);
      return planReads(profile.points, profile.settings).map((read) => `FC${read.functionCode} ${read.address} x${read.quantity}`);
    };
    expect(count('eastron_sdm120')).toEqual(['FC4 0 x76', 'FC4 342 x2']);
    expect(count('tuf2000_flow_meter')).toEqual(['FC3 0 x14']);
    expect(count('lift_monitor_modbus_vendor')).toEqual(['FC2 0 x1', 'FC4 0 x8']);
  });
});

describe('slicing a reply into points', () => {
  it('decodes each point at its offset with its own word order', () => {
    const [read] = planReads(
      [point('voltage', { address: 0 }), point('total', { address: 2, type: 'int32', word_order: 'CDAB' }), point('flags', { address: 4, type: 'bool', bit: 1 })],
      settings(),
    );
    // 43 66 00 00 = 230.0; E2 40 00 01 CDAB = 0x0001E240 = 123456; 0x0002 bit 1 set
    expect(sliceReply(read!, { registers: [0x4366, 0x0000, 0xe240, 0x0001, 0x0002] })).toEqual([
      { point: 'voltage', raw: 230 },
      { point: 'total', raw: 123_456 },
      { point: 'flags', raw: 1 },
    ]);
  });

  it('takes bits from a coil reply padded to whole bytes', () => {
    const [read] = planReads([point('a', { table: 'coil', address: 0, type: 'bool' }), point('b', { table: 'coil', address: 2, type: 'bool' })], settings({ max_gap: 1 }));
    expect(sliceReply(read!, { bits: [true, false, false, false, false, false, false, false] })).toEqual([
      { point: 'a', raw: 1 },
      { point: 'b', raw: 0 },
    ]);
  });

  it('refuses a reply of the wrong length as malformed', () => {
    const [read] = planReads([point('voltage', { address: 0 })], settings());
    expect(() => sliceReply(read!, { registers: [0x4366] })).toThrow(expect.objectContaining({ kind: 'malformed', message: 'input_register read of 2 at 0 got 1 registers' }));
    expect(() => sliceReply(read!, {})).toThrow(/got no registers/);
  });
});
