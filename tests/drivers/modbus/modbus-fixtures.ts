import { loadProfiles } from '../../../edge/profiles/load-profiles.js';
import type { ModbusDeviceProfile } from '../../../edge/drivers/modbus/modbus-profile.js';
import type { PolledDevice } from '../../../edge/bus/polled-device.js';
import type { BusLink } from '../../../edge/bus/bus-link.js';
import { modbusProtocol } from '../../../edge/drivers/modbus/modbus-protocol.js';
import type { ModbusReply, ModbusRequest } from '../../../edge/drivers/modbus/modbus-request.js';
import { ModbusProfileSectionSchema, type ModbusPointAttributes, type ModbusProfileSection } from '../../../edge/drivers/modbus/modbus-profile.js';

/** The shipped catalogue, read once per test file. */
const catalogue = loadProfiles(new URL('../../../device-profiles', import.meta.url).pathname);

export function shippedModbusProfile(id: string): ModbusDeviceProfile {
  const profile = catalogue.get(id);
  if (!profile || profile.driver !== 'modbus') throw new Error(`no shipped modbus profile ${id}`);
  return profile;
}

/** Settings with the schema's defaults and the given overrides. */
export function settings(overrides: Partial<ModbusProfileSection> = {}): ModbusProfileSection {
  return { ...ModbusProfileSectionSchema.parse({}), ...overrides };
}

export function point(name: string, attributes: Partial<ModbusPointAttributes> & Pick<ModbusPointAttributes, 'address'>): { name: string; attributes: ModbusPointAttributes } {
  return { name, attributes: { table: 'input_register', type: 'float32', ...attributes } };
}

/** A polled device of a shipped profile at a unit id. */
export function modbusDevice(profileId: string, address: string, timeoutMs = 500): PolledDevice & { profile: ModbusDeviceProfile } {
  return {
    id: `${profileId}_${address}`,
    subject: { kind: 'unit', id: 'unit_101' },
    profile: shippedModbusProfile(profileId),
    busId: 'bus_1',
    address,
    pollIntervalMs: 1000,
    timeoutMs,
    retries: 0,
  };
}

/** One poll as the bus scheduler runs it: the device's planned steps one after another on the link. */
export async function pollOnce(link: BusLink<ModbusRequest, ModbusReply>, device: PolledDevice): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  for (const step of modbusProtocol.planPoll(device)) {
    for (const value of step.decode(await link.execute(step.request, device.timeoutMs))) values.set(value.point, value.raw);
  }
  return values;
}
