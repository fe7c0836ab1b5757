import { describe, expect, it } from 'vitest';
import { parseProfiles } from '../../../../../edge/profiles/load-profiles.js';
import { ModbusPointAttributesSchema, ModbusProfileSectionSchema, modbusAddressProblems } from '../../../../../edge/drivers/modbus/modbus-profile.js';
import { point, shippedModbusProfile } from '../../../../drivers/modbus/modbus-fixtures.js';

const problemsOf = (attributes: unknown) => {
  const result = ModbusPointAttributesSchema.safeParse(attributes);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('modbus point attributes', () => {
  it('accepts every table with a fitting type', () => {
    expect(problemsOf({ table: 'input_register', address: 0, type: 'float32', word_order: 'CDAB' })).toEqual([]);
    expect(problemsOf({ table: 'holding_register', address: 65_535, type: 'uint16' })).toEqual([]);
    expect(problemsOf({ table: 'coil', address: 7, type: 'bool' })).toEqual([]);
    expect(problemsOf({ table: 'discrete_input', address: 0, type: 'bool' })).toEqual([]);
    expect(problemsOf({ table: 'input_register', address: 0, type: 'bool', bit: 15 })).toEqual([]);
  });

  it('explains attributes that cannot work', () => {
    expect(problemsOf({ table: 'coil', address: 0, type: 'uint16' })).toEqual(['type: a coil holds one bit: type must be bool']);
    expect(problemsOf({ table: 'discrete_input', address: 0, type: 'bool', bit: 2 })).toEqual(['bit: bit selects a bit of a register; a discrete_input is already one bit']);
    expect(problemsOf({ table: 'holding_register', address: 0, type: 'bool' })).toEqual(['bit: a bool in a holding_register needs bit (0-15)']);
    expect(problemsOf({ table: 'holding_register', address: 0, type: 'uint16', bit: 3 })).toEqual(['bit: bit is only for type bool']);
    expect(problemsOf({ table: 'input_register', address: 0, type: 'int16', word_order: 'CDAB' })).toEqual(['word_order: word_order applies to 32-bit types only, not int16']);
    expect(problemsOf({ table: 'input_register', address: 65_535, type: 'float32' })).toEqual(['address: a float32 at 65535 runs past address 65535']);
    expect(problemsOf({ table: 'input_register', address: 0, type: 'bool', bit: 16 })).toHaveLength(1);
  });
});

describe('modbus profile settings', () => {
  it('defaults to the protocol limits, no gap, merging on', () => {
    expect(ModbusProfileSectionSchema.parse(undefined)).toEqual({ word_order: 'ABCD', max_registers_per_read: 125, max_bits_per_read: 2000, max_gap: 0, allow_merge: true });
  });

  it('refuses limits beyond the protocol (Modbus Application Protocol V1.1b3 §6.1-6.4: 125 registers, 2000 bits)', () => {
    expect(ModbusProfileSectionSchema.safeParse({ max_registers_per_read: 126 }).success).toBe(false);
    expect(ModbusProfileSectionSchema.safeParse({ max_bits_per_read: 2001 }).success).toBe(false);
    expect(ModbusProfileSectionSchema.safeParse({ max_registers_per_read: 0 }).success).toBe(false);
  });
});

describe('modbus address problems', () => {
  it('names both points when registers overlap in one table', () => {
    const problems = modbusAddressProblems([point('voltage', { address: 0 }), point('current', { address: 6 }), point('energy', { address: 7 })]);
    expect(problems).toEqual([{ index: 2, message: '"energy" (input_register 0x0007-0x0008) overlaps "current" (input_register 0x0006-0x0007)' }]);
  });

  it('lets the same address be used in different tables, and bits of one register by different points', () => {
    expect(
      modbusAddressProblems([
        point('voltage', { address: 0 }),
        point('flow', { table: 'holding_register', address: 0 }),
        point('relay', { table: 'coil', address: 0, type: 'bool' }),
        point('running', { table: 'holding_register', address: 5, type: 'bool', bit: 0 }),
        point('door', { table: 'holding_register', address: 5, type: 'bool', bit: 1 }),
      ]),
    ).toEqual([]);
  });

  it('refuses the same bit twice, and a bit of a register another point reads whole', () => {
    expect(
      modbusAddressProblems([
        point('running', { address: 5, type: 'bool', bit: 0 }),
        point('moving', { address: 5, type: 'bool', bit: 0 }),
        point('status', { address: 4, type: 'uint32' }),
      ]).map((problem) => problem.message),
    ).toEqual([
      '"moving" (input_register 0x0005 bit 0) overlaps "running" (input_register 0x0005 bit 0)',
      '"status" (input_register 0x0004-0x0005) overlaps "running" (input_register 0x0005 bit 0)',
    ]);
  });

  it('surfaces through the profile loader with the point path', () => {
    const text = [
      'id: broken_meter', 'version: 1', 'kind: electricity_meter', 'manufacturer: x', 'model: y', 'description: z', 'driver: modbus',
      'points:',
      '  - { name: voltage, unit: V, attributes: { table: input_register, address: 0, type: float32 } }',
      '  - { name: current, unit: A, attributes: { table: input_register, address: 1, type: float32 } }',
    ].join('\n');
    expect(() => parseProfiles([{ file: 'broken_meter.yaml', text }], 'test')).toThrow(
      expect.objectContaining({
        problems: [{ path: 'broken_meter.yaml#points.1.attributes', message: '"current" (input_register 0x0001-0x0002) overlaps "voltage" (input_register 0x0000-0x0001)' }],
      }),
    );
  });
});

describe('shipped modbus profiles', () => {
  it('read Eastron energy in kWh at 0x0048 and total energy at 0x0156 (Eastron SDM120 Modbus protocol)', () => {
    const sdm120 = shippedModbusProfile('eastron_sdm120');
    const byName = new Map(sdm120.points.map((p) => [p.name, p]));
    expect(byName.get('import_energy')).toMatchObject({ unit: 'kWh', attributes: { table: 'input_register', address: 0x48, type: 'float32' } });
    expect(byName.get('total_energy')?.attributes.address).toBe(0x156);
    expect(sdm120.settings.word_order).toBe('ABCD');
    expect(shippedModbusProfile('eastron_sdm630').settings.max_registers_per_read).toBeLessThanOrEqual(76);
  });

  it('read the TUF-2000 accumulator low word first and say the order is unverified', () => {
    const tuf = shippedModbusProfile('tuf2000_flow_meter');
    expect(tuf.points.find((p) => p.name === 'forward_total')?.attributes).toMatchObject({ table: 'holding_register', address: 8, type: 'int32', word_order: 'CDAB' });
    expect(tuf.description).toMatch(/UNVERIFIED/);
  });

  it('map the vendor lift fault codes onto canonical faults and the alarm button onto its event', () => {
    const lift = shippedModbusProfile('lift_monitor_modbus_vendor');
    expect(lift.faults).toMatchObject({ point: 'fault_code', none_code: 0 });
    expect(lift.faults?.codes).toMatchObject({
      '1': 'overtravel_top', '2': 'overtravel_bottom', '3': 'overspeed', '4': 'door_open_while_running', '5': 'unintended_movement',
      '6': 'stopped_outside_door_zone', '7': 'passenger_trapped', '8': 'passenger_trapped', '10': 'safety_circuit_broken',
      '11': 'door_open_fault', '12': 'door_close_fault',
    });
    expect(lift.point_events).toContainEqual({ point: 'alarm_button', equals: 1, type: 'lift_alarm_button', attributes: {} });
    const units = Object.fromEntries(lift.points.map((p) => [p.name, p.unit]));
    expect(units).toMatchObject({ car_status: 'bool', car_direction: 'enum', door_zone: 'bool', car_position: 'floor', door_status: 'bool', passenger_status: 'bool', service_mode: 'enum' });
  });

  it('name in every description the document their register map comes from', () => {
    const sources: Record<string, string> = {
      eastron_sdm120: 'Eastron SDM120 Modbus protocol',
      eastron_sdm630: 'Eastron SDM630 Modbus protocol',
      tuf2000_flow_meter: 'TUF-2000F user manual',
      lift_monitor_modbus_vendor: 'chaokw/rtt3.0.3_elevator',
    };
    for (const [id, source] of Object.entries(sources)) {
      expect(shippedModbusProfile(id).description, id).toContain(source);
    }
  });
});
