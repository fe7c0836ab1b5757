import { ConfigError, type ConfigProblem } from '../../shared/config/load-config.js';
import type { DeviceConfig } from '../config/gateway-config.js';
import type { ProfileCatalogue } from '../profiles/load-profiles.js';
import type { DriverDevice } from './driver.js';
import { BUS_PROTOCOLS, type BusConfig } from '../bus/bus-config.js';
import type { PolledProtocolName } from '../bus/polled-protocol.js';
import { POLLED_PROTOCOLS } from './polled-protocols.js';

/**
 * Binds the configured devices to their profiles. Checks what one schema cannot: unique device ids,
 * that each profile exists, that the device has the config section its profile's driver needs, and
 * that no two devices share an MQTT topic. Throws one ConfigError listing every problem.
 */
export function bindDevices(
  devices: readonly DeviceConfig[],
  profiles: ProfileCatalogue,
  buses: readonly BusConfig[],
  source: string,
): DriverDevice[] {
  const problems: ConfigProblem[] = [...checkBuses(buses)];
  const busById = new Map(buses.map((bus) => [bus.id, bus]));
  const addresses = new Map<string, string>();
  const bound: DriverDevice[] = [];
  const ids = new Map<string, number>();
  const topics = new Map<string, string>();
  devices.forEach((device, index) => {
    const at = (field: string) => `devices.${index}.${field}`;
    const earlier = ids.get(device.id);
    if (earlier !== undefined) problems.push({ path: at('id'), message: `device id "${device.id}" is also used by devices.${earlier}` });
    ids.set(device.id, index);

    const profile = profiles.get(device.profile);
    if (!profile) {
      const known = [...profiles.keys()].join(', ') || 'none';
      problems.push({ path: at('profile'), message: `unknown profile "${device.profile}" (known: ${known})` });
      return;
    }
    if (profile.driver === 'mqtt') {
      const topic = device.mqtt?.topic;
      if (topic === undefined) {
        problems.push({ path: at('mqtt.topic'), message: `profile ${profile.id} uses the mqtt driver, so the device needs mqtt.topic` });
        return;
      }
      const owner = topics.get(topic);
      if (owner !== undefined) problems.push({ path: at('mqtt.topic'), message: `topic "${topic}" is also used by device ${owner}` });
      topics.set(topic, device.id);
    } else {
      const problem = checkPolledDevice(device, profile.driver, busById);
      if (problem) {
        problems.push({ path: at(problem.field), message: problem.message });
        return;
      }
      const key = `${device.bus}/${normalizedAddress(profile.driver, device.address!)}`;
      const owner = addresses.get(key);
      if (owner !== undefined) problems.push({ path: at('address'), message: `address ${device.address} on bus ${device.bus} is also device ${owner}` });
      addresses.set(key, device.id);
    }
    bound.push({ id: device.id, subject: device.subject, profile, config: device });
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return bound;
}

/** Bus ids and serial paths are unique. (An unstable path such as /dev/ttyUSB0 is only warned about at start.) */
function checkBuses(buses: readonly BusConfig[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ids = new Map<string, number>();
  const endpoints = new Map<string, number>();
  buses.forEach((bus, index) => {
    const earlier = ids.get(bus.id);
    if (earlier !== undefined) problems.push({ path: `buses.${index}.id`, message: `bus id "${bus.id}" is also buses.${earlier}` });
    ids.set(bus.id, index);
    const endpoint = bus.transport === 'serial' ? bus.path : `${bus.host}:${bus.port}`;
    const other = endpoints.get(endpoint);
    if (other !== undefined) problems.push({ path: `buses.${index}`, message: `${endpoint} is also buses.${other}: one port, one bus` });
    endpoints.set(endpoint, index);
  });
  return problems;
}

/** A polled device needs a bus of its profile's protocol and an address that protocol accepts. */
function checkPolledDevice(
  device: DeviceConfig,
  driver: PolledProtocolName,
  buses: ReadonlyMap<string, BusConfig>,
): { field: string; message: string } | null {
  if (device.bus === undefined) return { field: 'bus', message: `profile ${device.profile} is read over a field bus, so the device needs bus` };
  const bus = buses.get(device.bus);
  if (!bus) return { field: 'bus', message: `no bus "${device.bus}" (known: ${[...buses.keys()].join(', ') || 'none'})` };
  if (BUS_PROTOCOLS[bus.protocol] !== driver) {
    return { field: 'bus', message: `bus ${bus.id} speaks ${bus.protocol}, but profile ${device.profile} needs ${driver}` };
  }
  if (device.address === undefined) return { field: 'address', message: `a ${driver} device needs an address` };
  try {
    POLLED_PROTOCOLS[driver].parseAddress(device.address, bus);
  } catch (error) {
    return { field: 'address', message: (error as Error).message };
  }
  return null;
}

function normalizedAddress(driver: PolledProtocolName, address: string): string {
  return driver === 'modbus' ? String(Number(address)) : address;
}
