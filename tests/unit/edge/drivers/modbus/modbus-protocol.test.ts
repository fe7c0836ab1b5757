import { describe, expect, it } from 'vitest';
import { modbusProtocol, parseModbusAddress } from '../../../../../edge/drivers/modbus/modbus-protocol.js';
import type { ModbusDeviceProfile } from '../../../../../edge/drivers/modbus/modbus-profile.js';
import { modbusDevice, shippedModbusProfile } from '../../../../drivers/modbus/modbus-fixtures.js';

describe('modbus device addresses (unit ids)', () => {
  it('reads RTU unit ids 1-247 and TCP unit ids 0-255', () => {
    expect(parseModbusAddress('1')).toBe(1);
    expect(parseModbusAddress(' 247 ', 'serial')).toBe(247);
    expect(parseModbusAddress('0', 'tcp')).toBe(0);
    expect(parseModbusAddress('255', 'tcp')).toBe(255);
  });

  it('refuses the RTU broadcast address, reserved ids and non-numbers, naming the problem', () => {
    expect(() => parseModbusAddress('0', 'serial')).toThrow('modbus address 0 is the RTU broadcast address: nothing answers it, so it cannot be polled');
    expect(() => parseModbusAddress('248', 'serial')).toThrow('modbus RTU unit id 248 is out of range 1-247 (248-255 are reserved)');
    expect(() => parseModbusAddress('256', 'tcp')).toThrow('modbus TCP unit id 256 is out of range 0-255');
    expect(() => parseModbusAddress('0x01')).toThrow('modbus address "0x01" is not a unit id (a decimal number)');
    expect(() => parseModbusAddress('')).toThrow(/not a unit id/);
  });
});

describe('planning a poll', () => {
  it('turns the SDM630 profile into one FC04 request for the unit id', () => {
    const steps = modbusProtocol.planPoll(modbusDevice('eastron_sdm630', '7'));
    expect(steps.map((step) => step.request)).toEqual([{ unitId: 7, functionCode: 4, address: 0, quantity: 76 }]);
    expect(steps[0]!.points).toContain('phase_1_voltage');
  });

  it('decodes a reply into raw values of the step\'s points', () => {
    const [step] = modbusProtocol.planPoll(modbusDevice('tuf2000_flow_meter', '1'));
    const registers = new Array<number>(14).fill(0);
    registers.splice(0, 2, 0x3fc0, 0x0000); // flow 1.5 = 3F C0 00 00
    registers.splice(8, 2, 0xe240, 0x0001); // forward total 123456 = 0x0001E240, CDAB
    const values = new Map(step!.decode({ functionCode: 3, registers }).map((value) => [value.point, value.raw]));
    expect(values.get('flow_rate')).toBe(1.5);
    expect(values.get('forward_total')).toBe(123_456);
  });

  it('refuses a device whose profile belongs to another driver', () => {
    const device = { ...modbusDevice('eastron_sdm120', '1'), profile: { ...shippedModbusProfile('eastron_sdm120'), driver: 'dlt645' } as unknown as ModbusDeviceProfile };
    expect(() => modbusProtocol.planPoll(device)).toThrow(/not modbus/);
  });
});

describe('planning a write', () => {
  /** A profile with one point per writable case, derived from a shipped one. */
  function writableDevice() {
    const base = shippedModbusProfile('eastron_sdm120');
    const profile: ModbusDeviceProfile = {
      ...base,
      settings: { ...base.settings, word_order: 'CDAB' },
      points: [
        ...base.points,
        { name: 'relay', unit: 'bool', scale: 1, offset: 0, writable: true, attributes: { table: 'coil', address: 3, type: 'bool' } },
        { name: 'setpoint', unit: 'count', scale: 1, offset: 0, writable: true, attributes: { table: 'holding_register', address: 10, type: 'int16' } },
        { name: 'limit', unit: 'W', scale: 1, offset: 0, writable: true, attributes: { table: 'holding_register', address: 12, type: 'float32' } },
        { name: 'mode_bit', unit: 'bool', scale: 1, offset: 0, writable: true, attributes: { table: 'holding_register', address: 14, type: 'bool', bit: 2 } },
        { name: 'locked', unit: 'count', scale: 1, offset: 0, writable: false, attributes: { table: 'holding_register', address: 16, type: 'uint16' } },
        { name: 'sensor', unit: 'count', scale: 1, offset: 0, writable: true, attributes: { table: 'input_register', address: 400, type: 'uint16' } },
      ],
    };
    return { ...modbusDevice('eastron_sdm120', '3'), profile };
  }
  const write = (point: string, raw: number) => modbusProtocol.planWrite!(writableDevice(), { deviceId: 'd', point, raw });

  it('writes a coil with FC05, a 16-bit register with FC06 and a 32-bit one with FC16 in the word order', () => {
    expect(write('relay', 1).request).toEqual({ unitId: 3, functionCode: 5, address: 3, quantity: 1, values: [1] });
    expect(write('setpoint', -1).request).toEqual({ unitId: 3, functionCode: 6, address: 10, quantity: 1, values: [0xffff] });
    // 230.0 = 43 66 00 00; settings.word_order CDAB puts the low word first: 00 00 | 43 66
    expect(write('limit', 230).request).toEqual({ unitId: 3, functionCode: 16, address: 12, quantity: 2, values: [0x0000, 0x4366] });
    expect(write('limit', 230).decode({ functionCode: 16 })).toEqual([]);
  });

  it('refuses points that are not writable, read-only tables, bits of registers and values out of range', () => {
    expect(() => write('locked', 1)).toThrow('point "locked" of profile eastron_sdm120 is not writable');
    expect(() => write('voltage', 1)).toThrow('point "voltage" of profile eastron_sdm120 is not writable');
    expect(() => write('sensor', 1)).toThrow('point "sensor" is in the input_register table, which is read-only');
    expect(() => write('mode_bit', 1)).toThrow(/bit 2 of a register; writing one bit of a register is not supported/);
    expect(() => write('relay', 2)).toThrow('coil "relay" takes 0 or 1, not 2');
    expect(() => write('setpoint', 40_000)).toThrow('point "setpoint": int16 carries integers -32768..32767, not 40000');
    expect(() => write('nothing', 1)).toThrow('profile eastron_sdm120 has no point "nothing"');
  });
});
