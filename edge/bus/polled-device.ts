import type { DriverDevice } from '../drivers/driver.js';
import type { DeviceRef } from '../model/device-data.js';
import { isPolledProfile, type PolledDeviceProfile } from '../profiles/polled-profile.js';
import type { FieldBus } from './bus-config.js';

/** A device on a field bus as its protocol and the bus scheduler see it. */
export interface PolledDevice extends DeviceRef {
  profile: PolledDeviceProfile;
  busId: string;
  /** As configured; the protocol parses it (Modbus unit id, DL/T 645 12-digit or CJ/T 188 14-digit address). */
  address: string;
  pollIntervalMs: number;
  timeoutMs: number;
  retries: number;
}

/** The device's bus settings: its own where set, else its bus's (which has its protocol's default). */
export function toPolledDevice(device: DriverDevice, bus: FieldBus): PolledDevice {
  const { config } = device;
  if (config.address === undefined) throw new Error(`device ${device.id} has no address`);
  const { profile } = device;
  if (!isPolledProfile(profile)) throw new Error(`device ${device.id}: profile ${profile.id} of the ${profile.driver} driver lists no polled points`);
  return {
    id: device.id,
    subject: device.subject,
    profile,
    busId: bus.id,
    address: config.address,
    pollIntervalMs: config.poll_interval_s * 1000,
    timeoutMs: config.timeout_ms ?? bus.timeout_ms,
    retries: config.retries,
  };
}
