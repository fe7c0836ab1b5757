import { ConfigError, type ConfigProblem } from '../../shared/config/load-config.js';
import type { BusConfig } from '../bus/bus-config.js';
import type { DeviceConfig } from '../config/device-config.js';
import type { DeviceProfile } from '../profiles/device-profile.js';
import type { ProfileCatalogue } from '../profiles/load-profiles.js';
import type { DriverDevice } from './driver.js';
import type { DeviceConfigProblem, DeviceEndpoint, PolledProtocolManifest } from './protocol-manifest.js';
import type { ProtocolRegistry } from './protocol-registry.js';
import { SHIPPED_PROTOCOLS } from './shipped-protocols.js';

/**
 * Binds the configured devices to their profiles. Checks what one schema cannot: unique device ids,
 * that each profile exists, that the device says where its data comes from as its profile's
 * protocol needs (a bus of that protocol and an address it accepts, or an MQTT topic), and that no
 * two devices share that place. Throws one ConfigError listing every problem.
 */
export function bindDevices(
  devices: readonly DeviceConfig[],
  profiles: ProfileCatalogue,
  buses: readonly BusConfig[],
  source: string,
  protocols: ProtocolRegistry = SHIPPED_PROTOCOLS,
): DriverDevice[] {
  const problems: ConfigProblem[] = [...checkBuses(buses, protocols)];
  const busById = new Map(buses.map((bus) => [bus.id, bus]));
  const bound: DriverDevice[] = [];
  const ids = new Map<string, number>();
  const endpoints = new Map<string, string>();
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
    const manifest = protocols.manifestOf(profile.driver);
    if (!manifest) {
      problems.push({ path: at('profile'), message: `profile ${profile.id} needs the ${profile.driver} driver, which this gateway does not have` });
      return;
    }
    const endpoint = manifest.kind === 'polled' ? polledEndpoint(device, profile, manifest, busById) : manifest.endpointOf(device, profile);
    if ('message' in endpoint) {
      problems.push({ path: at(endpoint.field), message: endpoint.message });
      return;
    }
    // Bus ids are unique across protocols; another protocol's endpoints are its own.
    const key = `${manifest.kind === 'polled' ? 'bus' : manifest.name} ${endpoint.key}`;
    const owner = endpoints.get(key);
    if (owner !== undefined) problems.push({ path: at(endpoint.field), message: `${endpoint.label} is also used by device ${owner}` });
    endpoints.set(key, device.id);
    bound.push({ id: device.id, subject: device.subject, profile, config: device });
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return bound;
}

/** Bus ids and serial paths are unique. (An unstable path such as /dev/ttyUSB0 is only warned about at start.) */
function checkBuses(buses: readonly BusConfig[], protocols: ProtocolRegistry): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ids = new Map<string, number>();
  const endpoints = new Map<string, number>();
  buses.forEach((bus, index) => {
    const earlier = ids.get(bus.id);
    if (earlier !== undefined) problems.push({ path: `buses.${index}.id`, message: `bus id "${bus.id}" is also buses.${earlier}` });
    ids.set(bus.id, index);
    const kind = protocols.busKindOf(bus.protocol)?.kind;
    const endpoint = bus.transport === 'serial' ? bus.path : `${bus.host}:${bus.port ?? (kind?.transport === 'tcp' ? kind.port : '')}`;
    const other = endpoints.get(endpoint);
    if (other !== undefined) problems.push({ path: `buses.${index}`, message: `${endpoint} is also buses.${other}: one port, one bus` });
    endpoints.set(endpoint, index);
  });
  return problems;
}

/** A polled device needs a bus of its profile's protocol and an address that protocol accepts. */
function polledEndpoint(
  device: DeviceConfig,
  profile: DeviceProfile,
  manifest: PolledProtocolManifest,
  buses: ReadonlyMap<string, BusConfig>,
): DeviceEndpoint | DeviceConfigProblem {
  if (device.bus === undefined) return { field: 'bus', message: `profile ${profile.id} is read over a field bus, so the device needs bus` };
  const bus = buses.get(device.bus);
  if (!bus) return { field: 'bus', message: `no bus "${device.bus}" (known: ${[...buses.keys()].join(', ') || 'none'})` };
  if (!manifest.buses.some((kind) => kind.protocol === bus.protocol)) {
    return { field: 'bus', message: `bus ${bus.id} speaks ${bus.protocol}, but profile ${profile.id} needs ${manifest.name}` };
  }
  if (device.address === undefined) return { field: 'address', message: `a ${manifest.name} device needs an address` };
  try {
    const address = manifest.parseAddress(device.address, bus);
    return { field: 'address', key: `${bus.id}/${address}`, label: `address ${device.address} on bus ${bus.id}` };
  } catch (error) {
    return { field: 'address', message: (error as Error).message };
  }
}
