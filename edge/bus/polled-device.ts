import type { DriverDevice } from '../drivers/driver.js';
import type { DeviceRef } from '../model/device-data.js';
import type { DeviceProfile } from '../profiles/device-profile.js';
import { DEFAULT_TIMEOUT_MS, type BusConfig } from './bus-config.js';

/** Poll interval of a device that does not set one, in seconds. */
export const DEFAULT_POLL_INTERVAL_S = 30;
/** Extra attempts after a timeout or checksum error within one poll. */
export const DEFAULT_RETRIES = 1;

/** A device on a field bus as its protocol and the bus scheduler see it. */
export interface PolledDevice extends DeviceRef {
  profile: DeviceProfile;
  busId: string;
  /** As configured; the protocol parses it (Modbus unit id, DL/T 645 12-digit or CJ/T 188 14-digit address). */
  address: string;
  pollIntervalMs: number;
  timeoutMs: number;
  retries: number;
}

/** The device's bus settings: its own where set, else its bus's, else its protocol's defaults. */
export function toPolledDevice(device: DriverDevice, bus: BusConfig): PolledDevice {
  const { config } = device;
  if (config.address === undefined) throw new Error(`device ${device.id} has no address`);
  return {
    id: device.id,
    subject: device.subject,
    profile: device.profile,
    busId: bus.id,
    address: config.address,
    pollIntervalMs: config.poll_interval_s * 1000,
    timeoutMs: config.timeout_ms ?? bus.timeout_ms ?? DEFAULT_TIMEOUT_MS[bus.protocol],
    retries: config.retries,
  };
}
