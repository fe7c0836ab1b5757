/**
 * Calendar dates as an estate's wall clock shows them, as ISO 8601 calendar dates ("2026-11-03").
 * Date arithmetic is on the calendar alone (no time zone): a day after 2026-03-31 is 2026-04-01
 * whatever the zone's offset does that night.
 */

/** The time zone of an estate that sets none: mainland China (UTC+8, no daylight saving). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** A local calendar date, ISO weekday (1 = Monday ... 7 = Sunday) and minute of the day (0 ... 1439). */
export interface LocalDateTime {
  date: string;
  weekday: number;
  minuteOfDay: number;
}

const ISO_WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The estate's local date, weekday and minute at epochMs, through the IANA zone (daylight saving
 * included). An unknown zone throws a RangeError (Intl's).
 */
export function localDateTime(epochMs: number, timeZone: string): LocalDateTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    weekday: ISO_WEEKDAYS[part('weekday').slice(0, 3)]!,
    minuteOfDay: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** True when the IANA time zone is known to this runtime's ICU. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** "2026-11-05 08:30" on the wall clock of the time zone (an unknown zone falls back to the default). */
export function localTime(epochMs: number, timeZone: string): string {
  const local = localDateTime(epochMs, isKnownTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE);
  const hours = String(Math.floor(local.minuteOfDay / 60)).padStart(2, '0');
  const minutes = String(local.minuteOfDay % 60).padStart(2, '0');
  return `${local.date} ${hours}:${minutes}`;
}

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function utcMidnight(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`);
}

/** The date `days` days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(utcMidnight(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 for the same date, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** The Monday of the ISO week (ISO 8601: weeks start on Monday) holding the date. */
export function mondayOf(date: string): string {
  const weekday = (new Date(utcMidnight(date)).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  return addDays(date, -weekday);
}

/**
 * epochMs as an ISO 8601 time with the zone's UTC offset at that instant ("2026-11-24T16:00:00.000+08:00"):
 * the same instant as toISOString(), read on the estate's wall clock. Offsets are whole minutes
 * (every IANA zone since 1972), which localDateTime gives.
 */
export function zonedIsoTime(epochMs: number, timeZone: string): string {
  const zone = isKnownTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
  const wholeMinute = Math.floor(epochMs / 60_000) * 60_000;
  const local = localDateTime(wholeMinute, zone);
  const offsetMin = Math.round((utcMidnight(local.date) + local.minuteOfDay * 60_000 - wholeMinute) / 60_000);
  const wall = new Date(epochMs + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(offsetMin) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offsetMin) % 60).padStart(2, '0');
  return `${wall}${sign}${hh}:${mm}`;
}
