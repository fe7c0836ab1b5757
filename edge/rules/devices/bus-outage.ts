import type { DeviceRulesConfig } from '../../../shared/contract/rules-config-devices.js';
import type { DeviceDirectory, DeviceInfo } from '../rule.js';

/**
 * Devices of one field bus that fall silent together are one fault (a power cut, a cut cable, a
 * dead adapter), not thirty: when at least outage.min_devices of a bus, and outage.share of it, are
 * silent, one alert names the bus and how many devices, and their own alerts wait behind it.
 */
const byBus = new WeakMap<DeviceDirectory, Map<string, DeviceInfo[]>>();

/** The devices on a bus (polled devices with a bus in the gateway config). */
export function busDevices(directory: DeviceDirectory, bus: string): readonly DeviceInfo[] {
  let buses = byBus.get(directory);
  if (!buses) {
    buses = new Map();
    for (const device of directory.all()) {
      if (device.bus === undefined) continue;
      const list = buses.get(device.bus);
      if (list) list.push(device);
      else buses.set(device.bus, [device]);
    }
    byBus.set(directory, buses);
  }
  return buses.get(bus) ?? [];
}

/** Is this many silent devices of a bus of this size an outage of the bus? */
export function isBusOutage(silent: number, total: number, config: DeviceRulesConfig): boolean {
  return silent >= config.outage.min_devices && silent >= config.outage.share * total;
}

/** The subject of a bus's alert: the bus as a device of the gateway. */
export function busSubjectId(bus: string): string {
  return `bus-${bus}`.slice(0, 63);
}
