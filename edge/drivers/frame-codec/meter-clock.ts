/**
 * Wall-clock time as meters keep and send it: local time fields, no zone. DL/T 645 time sync sends
 * ss mm hh DD MM YY (edge/drivers/dlt645/README.md); CJ/T 188 replies carry ss mm hh DD MM YY CC
 * (edge/drivers/cjt188/README.md, the 0x901F reply).
 */
export interface MeterClockFields {
  /** Four digits, e.g. 2026. */
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** China Standard Time, UTC+8: meters on Chinese estates keep it. */
export const CHINA_UTC_OFFSET_MINUTES = 480;

export function meterClockOf(date: Date, utcOffsetMinutes = CHINA_UTC_OFFSET_MINUTES): MeterClockFields {
  const local = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}
