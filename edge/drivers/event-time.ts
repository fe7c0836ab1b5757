/**
 * Event time of device data, decided once for every driver (edge/pipeline/receive-time.ts applies it
 * to everything a driver hands in): the device's own time stamp when it is believable, otherwise the
 * time the gateway received the data. A device clock that is off (an RTC reset to 2000-01-01 after a
 * power cut, a wrong zone, a clock that runs fast) must not move events into the past or future,
 * where rules would act on them early and the cloud would misplace them.
 */

/**
 * How far ahead of the gateway's receive time a device stamp may be and still count as the same
 * instant: two clocks synchronised by (S)NTP agree within a fraction of a second, and a stamp at
 * most this far ahead is clock jitter. Further ahead, the device's clock is wrong.
 */
export const DEVICE_CLOCK_TOLERANCE_MS = 2000;
/** A device stamp older than this is not believed; devices replaying a backlog stay well inside it. */
export const MAX_DEVICE_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export type DeviceTimeFormat = 'iso8601' | 'epoch_ms' | 'epoch_s';

/** A zone is required: "2026-11-24T16:00:00+08:00" or "...Z"; a local time without zone is ambiguous. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The wire's time format holds years 0000 to 9999 (shared/contract/identifiers.ts WireTimeSchema). */
const WIRE_TIME_MIN_MS = Date.parse('0000-01-01T00:00:00.000Z');
const WIRE_TIME_MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Epoch milliseconds of a device time stamp, or null when it cannot be read in the given format or
 * is outside what a wire time can say. Whether it is believed is judgeDeviceTime's call.
 */
export function parseDeviceTime(raw: unknown, format: DeviceTimeFormat): number | null {
  let ms: number;
  if (format === 'iso8601') {
    if (typeof raw !== 'string' || !ISO_WITH_ZONE.test(raw)) return null;
    ms = Date.parse(raw);
  } else {
    if (typeof raw !== 'number') return null;
    ms = format === 'epoch_s' ? raw * 1000 : raw;
  }
  return Number.isFinite(ms) && ms >= WIRE_TIME_MIN_MS && ms <= WIRE_TIME_MAX_MS ? Math.floor(ms) : null;
}

export interface JudgedTime {
  /**
   * The event time to use, epoch ms: never after the device's own stamp, and never after the receive
   * time but to keep the device's order (see judgeDeviceTime).
   */
  eventMs: number;
  /**
   * How far the device's clock is off (its stamp minus the receive time, ms; positive is fast), when
   * the stamp is not believed and the receive time is used instead; null when it is believed.
   */
  wrongByMs: number | null;
}

/** A believed stamp of a device and the event time it was given. */
export interface JudgedStamp {
  deviceMs: number;
  eventMs: number;
}

/**
 * The event time of data a device stamped `deviceMs` and the gateway received at `receivedAt`:
 * - more than DEVICE_CLOCK_TOLERANCE_MS ahead, or older than MAX_DEVICE_EVENT_AGE_MS: the device's
 *   clock is wrong; the receive time, and by how much it was off;
 * - ahead by less: the receive time (nothing is received before it happens), clock believed; but
 *   the device's order stays, given `latest`, the latest stamp of the device believed before: the
 *   same stamp gets the same time, and a later stamp a time after it, at most its own stamp;
 * - otherwise the device's stamp.
 * So no event time is later than the gateway's own clock, except where a device's order needs it:
 * a monitor whose clock is a few ms fast flushes a press and, stamped 1 ms later, the release
 * together; the gateway reads both at one instant of its clock, and the release must stay after
 * the press. That is at most one ms per message the device sent faster than the gateway's clock
 * moved, and never past the device's stamp, itself within DEVICE_CLOCK_TOLERANCE_MS.
 */
export function judgeDeviceTime(deviceMs: number, receivedAt: number, latest?: JudgedStamp): JudgedTime {
  // Not a time at all: nothing to say about the clock (the driver counts an unreadable stamp).
  if (!Number.isFinite(deviceMs)) return { eventMs: receivedAt, wrongByMs: null };
  const offset = deviceMs - receivedAt;
  if (offset > DEVICE_CLOCK_TOLERANCE_MS || offset < -MAX_DEVICE_EVENT_AGE_MS) return { eventMs: receivedAt, wrongByMs: offset };
  if (latest && deviceMs === latest.deviceMs) return { eventMs: latest.eventMs, wrongByMs: null };
  const earliest = latest && deviceMs > latest.deviceMs ? latest.eventMs + 1 : -Infinity;
  return { eventMs: Math.min(deviceMs, Math.max(receivedAt, earliest)), wrongByMs: null };
}
