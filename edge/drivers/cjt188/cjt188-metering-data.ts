import { bcdByteToNumber, numberToBcdByte } from '../frame-codec/bcd.js';
import type { MeterClockFields } from '../frame-codec/meter-clock.js';
import { decodeBcdNumber, encodeBcdNumber, parseBcdFormat } from '../frame-codec/bcd-number.js';

/**
 * The 0x901F reply of a water or gas meter (edge/drivers/cjt188/README.md), after DI (2) and SER (1):
 *   offset 0  current cumulative volume, 4 BCD bytes low first, XXXXXX.XX
 *          4  its unit code
 *          5  settlement-day cumulative volume, XXXXXX.XX
 *          9  its unit code
 *         10  real time, 7 BCD bytes: ss mm hh DD MM YY CC
 *         17  status ST, 2 bytes
 * Example (the real meter of edge/drivers/cjt188/README.md, worked frames):
 * 00 02 00 00 2C -> 00 00 02 00 -> 000002.00 m3.
 */
export const METERING_DATA_LENGTH = 19;
export const VOLUME_FORMAT = parseBcdFormat('XXXXXX.XX');

export interface MeteringData {
  currentVolume: number;
  currentUnit: number;
  settlementVolume: number;
  settlementUnit: number;
  /** Meter wall-clock time "2017-01-09T17:20:06", or null when all zero or not a time. */
  meterTime: string | null;
  status: Uint8Array;
}

/** Throws a RangeError when the payload is short or a volume is not BCD. */
export function decodeMeteringData(payload: Uint8Array): MeteringData {
  if (payload.length < METERING_DATA_LENGTH) throw new RangeError(`0x901F data has ${payload.length} bytes after DI and SER, expected ${METERING_DATA_LENGTH}`);
  return {
    currentVolume: decodeBcdNumber(payload.subarray(0, 4), VOLUME_FORMAT, false),
    currentUnit: payload[4] ?? 0,
    settlementVolume: decodeBcdNumber(payload.subarray(5, 9), VOLUME_FORMAT, false),
    settlementUnit: payload[9] ?? 0,
    meterTime: decodeMeterTime(payload.subarray(10, 17)),
    status: payload.slice(17, 19),
  };
}

/** ss mm hh DD MM YY CC -> "CCYY-MM-DDThh:mm:ss"; 06 20 17 09 01 17 20 -> "2017-01-09T17:20:06". */
export function decodeMeterTime(bytes: Uint8Array): string | null {
  if (bytes.every((byte) => byte === 0)) return null;
  try {
    const [ss, mm, hh, day, month, yy, cc] = Array.from(bytes, bcdByteToNumber) as [number, number, number, number, number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 59) return null;
    const two = (n: number): string => n.toString().padStart(2, '0');
    return `${two(cc)}${two(yy)}-${two(month)}-${two(day)}T${two(hh)}:${two(mm)}:${two(ss)}`;
  } catch {
    return null;
  }
}

/** For meter emulators: the 19 bytes after DI and SER. meterTime fields are local wall-clock time. */
export function encodeMeteringData(data: {
  currentVolume: number;
  settlementVolume: number;
  unitCode: number;
  time: MeterClockFields;
  status: Uint8Array;
}): Uint8Array {
  const { time } = data;
  const clock = [time.second, time.minute, time.hour, time.day, time.month, time.year % 100, Math.floor(time.year / 100)].map(numberToBcdByte);
  return Uint8Array.of(
    ...encodeBcdNumber(data.currentVolume, VOLUME_FORMAT, false),
    data.unitCode,
    ...encodeBcdNumber(data.settlementVolume, VOLUME_FORMAT, false),
    data.unitCode,
    ...clock,
    ...data.status,
  );
}
