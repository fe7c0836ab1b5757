/**
 * Time in the household simulator: whole minutes from local midnight of the first simulated day,
 * which is a Monday. Local time has a fixed UTC offset (China has no daylight saving).
 */
export const MS_PER_MIN = 60_000;
export const MIN_PER_HOUR = 60;
export const MIN_PER_DAY = 1440;

export interface SimCalendar {
  /** Epoch ms of local midnight of day 0 (a Monday). */
  startMs: number;
  days: number;
  utcOffsetMin: number;
}

/** A calendar starting at local midnight of `date` ('YYYY-MM-DD', a Monday). */
export function calendar(date: string, days: number, utcOffsetMin = 480): SimCalendar {
  const startMs = Date.parse(`${date}T00:00:00Z`) - utcOffsetMin * MS_PER_MIN;
  if (new Date(startMs + utcOffsetMin * MS_PER_MIN).getUTCDay() !== 1) throw new Error(`${date} is not a Monday`);
  return { startMs, days, utcOffsetMin };
}

export function minuteMs(cal: SimCalendar, minute: number): number {
  return cal.startMs + minute * MS_PER_MIN;
}

/** ISO weekday of a simulated day: 1 = Monday .. 7 = Sunday. */
export function weekdayOf(day: number): number {
  return (day % 7) + 1;
}

export function isWeekend(day: number): boolean {
  return weekdayOf(day) >= 6;
}

/** 'HH:MM' of a minute of the day (any minute, wrapped). */
export function clock(minute: number): string {
  const m = ((Math.round(minute) % MIN_PER_DAY) + MIN_PER_DAY) % MIN_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** 'day 12 (Sat) 07:40' for reports. */
export function dayClock(minute: number): string {
  const day = Math.floor(minute / MIN_PER_DAY);
  return `day ${day} (${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][day % 7]}) ${clock(minute)}`;
}
