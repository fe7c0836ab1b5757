import type { DeviceRef } from '../model/device-data.js';
import type { DeviceProfile } from '../profiles/device-profile.js';

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
