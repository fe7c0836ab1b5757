/**
 * Event time of device data, decided once for every driver: the device's own time stamp when it is
 * present and sane, otherwise the time the gateway received the data. A device clock that is far off
 * (an RTC reset to 2000-01-01 after a power cut, a wrong zone) must not move events into the past or
 * future where rules and the cloud's watermark logic would misplace them.
 */

/** A device stamp this far ahead of the gateway clock is not believed (clock drift, wrong zone). */
export const MAX_DEVICE_CLOCK_AHEAD_MS = 5 * 60 * 1000;
/** A device stamp older than this is not believed; devices replaying a backlog stay well inside it. */
export const MAX_DEVICE_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export type DeviceTimeFormat = 'iso8601' | 'epoch_ms' | 'epoch_s';

/** A zone is required: "2026-11-24T16:00:00+08:00" or "...Z"; a local time without zone is ambiguous. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch milliseconds of a device time stamp, or null when it cannot be read in the given format. */
export function parseDeviceTime(raw: unknown, format: DeviceTimeFormat): number | null {
  let ms: number;
  if (format === 'iso8601') {
    if (typeof raw !== 'string' || !ISO_WITH_ZONE.test(raw)) return null;
    ms = Date.parse(raw);
  } else {
    if (typeof raw !== 'number') return null;
    ms = format === 'epoch_s' ? raw * 1000 : raw;
  }
  return Number.isFinite(ms) ? Math.floor(ms) : null;
}

export function isSaneDeviceTime(deviceMs: number, receivedAt: number): boolean {
  return deviceMs <= receivedAt + MAX_DEVICE_CLOCK_AHEAD_MS && deviceMs >= receivedAt - MAX_DEVICE_EVENT_AGE_MS;
}
