import type { BusConfig } from '../../bus/bus-config.js';
import type { PolledDevice } from '../../bus/polled-device.js';
import type { PolledProtocol, PollStep, WriteRequest } from '../../bus/polled-protocol.js';
import { createModbusLink } from './modbus-link.js';
import { isBitTable, registerWidth, type ModbusDeviceProfile } from './modbus-profile.js';
import type { ModbusReply, ModbusRequest } from './modbus-request.js';
import { planReads, sliceReply } from './read-planner.js';
import { encodeRegisters } from './register-codec.js';

/**
 * Modbus RTU and Modbus TCP as a polled protocol: the bus scheduler opens one link per bus, runs a
 * device's planned reads one after another and writes points the profile marks writable.
 */

/** RTU slave addresses 1-247; 0 is broadcast (no reply), 248-255 reserved (Modbus over Serial Line V1.02 §2.2). */
export const RTU_UNIT_ID_RANGE = [1, 247] as const;
/**
 * The MBAP unit identifier is one byte; a plain TCP device ignores it (Modbus Messaging on TCP/IP
 * Implementation Guide V1.0b, MBAP header).
 */
export const TCP_UNIT_ID_RANGE = [0, 255] as const;

/**
 * The unit id a device address names: a decimal integer, 1-247 on a serial (RTU) bus, 0-255 on a
 * TCP bus. Throws an Error naming the problem.
 */
export function parseModbusAddress(address: string, transport: BusConfig['transport'] = 'serial'): number {
  const text = address.trim();
  if (!/^\d{1,3}$/.test(text)) throw new Error(`modbus address "${address}" is not a unit id (a decimal number)`);
  const unitId = Number(text);
  if (transport === 'serial') {
    if (unitId === 0) throw new Error('modbus address 0 is the RTU broadcast address: nothing answers it, so it cannot be polled');
    if (unitId > RTU_UNIT_ID_RANGE[1]) throw new Error(`modbus RTU unit id ${unitId} is out of range 1-247 (248-255 are reserved)`);
  } else if (unitId > TCP_UNIT_ID_RANGE[1]) {
    throw new Error(`modbus TCP unit id ${unitId} is out of range 0-255`);
  }
  return unitId;
}

/** The device's profile, which the profile schema checked when its driver is modbus. */
function modbusProfile(device: PolledDevice): ModbusDeviceProfile {
  if (device.profile.driver !== 'modbus') throw new Error(`device ${device.id} uses profile ${device.profile.id} of the ${device.profile.driver} driver, not modbus`);
  return device.profile as ModbusDeviceProfile;
}

/**
 * The reads of one poll. The unit id is checked against the TCP range here (the scheduler does not
 * say which bus); the RTU range is checked when devices are bound to buses (modbus-manifest.ts).
 */
function planPoll(device: PolledDevice): Array<PollStep<ModbusRequest, ModbusReply>> {
  const profile = modbusProfile(device);
  const unitId = parseModbusAddress(device.address, 'tcp');
  return planReads(profile.points, profile.settings).map((read) => ({
    request: { unitId, functionCode: read.functionCode, address: read.address, quantity: read.quantity },
    points: read.points.map((point) => point.name),
    decode: (reply: ModbusReply) => sliceReply(read, reply),
  }));
}

/**
 * The transaction that writes one point: FC05 for a coil (0 or 1), FC06 for a 16-bit holding
 * register, FC16 for a 32-bit one (two registers in the point's word order). Discrete inputs and
 * input registers are read-only by definition (Modbus Application Protocol §4.3); a bit inside a
 * register would need a read-modify-write, which the driver does not do.
 */
function planWrite(device: PolledDevice, write: WriteRequest): PollStep<ModbusRequest, ModbusReply> {
  const profile = modbusProfile(device);
  const point = profile.points.find((candidate) => candidate.name === write.point);
  if (!point) throw new Error(`profile ${profile.id} has no point "${write.point}"`);
  if (!point.writable) throw new Error(`point "${point.name}" of profile ${profile.id} is not writable`);
  const { table, address, type } = point.attributes;
  if (table === 'discrete_input' || table === 'input_register') throw new Error(`point "${point.name}" is in the ${table} table, which is read-only`);
  const unitId = parseModbusAddress(device.address, 'tcp');
  const step = (request: ModbusRequest): PollStep<ModbusRequest, ModbusReply> => ({ request, points: [point.name], decode: () => [] });
  if (isBitTable(table)) {
    if (write.raw !== 0 && write.raw !== 1) throw new Error(`coil "${point.name}" takes 0 or 1, not ${write.raw}`);
    return step({ unitId, functionCode: 5, address, quantity: 1, values: [write.raw] });
  }
  if (type === 'bool') throw new Error(`point "${point.name}" is bit ${point.attributes.bit} of a register; writing one bit of a register is not supported`);
  let words: number[];
  try {
    words = encodeRegisters(write.raw, type, point.attributes.word_order ?? profile.settings.word_order);
  } catch (error) {
    throw new Error(`point "${point.name}": ${(error as Error).message}`, { cause: error });
  }
  if (registerWidth(type) === 1) return step({ unitId, functionCode: 6, address, quantity: 1, values: words });
  return step({ unitId, functionCode: 16, address, quantity: words.length, values: words });
}

export const modbusProtocol: PolledProtocol<ModbusRequest, ModbusReply> = {
  name: 'modbus',
  // Modbus slaves turn around in a few ms; 5 ms is a common figure for meters.
  typicalTurnaroundMs: 5,
  createLink: createModbusLink,
  planPoll,
  planWrite,
};
