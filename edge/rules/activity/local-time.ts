/**
 * Local time of day at an estate, from event time (epoch ms) and a fixed UTC offset (China has no
 * daylight saving). Rules decide on local clock times ("07:00", "the day starts at 04:00") and say
 * them in their reasons; nothing here reads the wall clock.
 */

export const MS_PER_MIN = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
export const MIN_PER_DAY = 1440;

const clockCache = new Map<string, number>();

/** 'HH:MM' -> minutes after midnight. The config schemas have checked the format. */
export function clockMinutes(clock: string): number {
  let minutes = clockCache.get(clock);
  if (minutes === undefined) {
    minutes = Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
    if (clockCache.size < 10_000) clockCache.set(clock, minutes);
  }
  return minutes;
}

/** Minutes after local midnight, with fractions. */
export function localMinuteOfDay(at: number, utcOffsetMin: number): number {
  const local = at + utcOffsetMin * MS_PER_MIN;
  return (((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_MIN;
}

/**
 * The number of the local day `at` falls in, where a day starts `dayStartMin` after local midnight
 * (day 0 is 1970-01-01 local): 01:30 belongs to the day before when days start at 04:00.
 */
export function localDayNumber(at: number, utcOffsetMin: number, dayStartMin = 0): number {
  return Math.floor((at + (utcOffsetMin - dayStartMin) * MS_PER_MIN) / MS_PER_DAY);
}

/** Epoch ms of local midnight of a day number (plus `minutes` after it). */
export function localMidnight(day: number, utcOffsetMin: number, minutes = 0): number {
  return day * MS_PER_DAY + (minutes - utcOffsetMin) * MS_PER_MIN;
}

/** The calendar date of a local day number, 'YYYY-MM-DD'. */
export function dayKey(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** ISO weekday of a local day number: 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** 'HH:MM' of a count of minutes after midnight (wrapping past 24 h). */
export function formatMinutes(minutes: number): string {
  const whole = ((Math.round(minutes) % MIN_PER_DAY) + MIN_PER_DAY) % MIN_PER_DAY;
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

/** The local clock time of an instant, 'HH:MM'; prefixed 'MM-DD ' when it is not on `today`'s date. */
export function formatLocal(at: number, utcOffsetMin: number, today?: number): string {
  const clock = formatMinutes(Math.floor(localMinuteOfDay(at, utcOffsetMin)));
  if (today === undefined) return clock;
  const day = localDayNumber(at, utcOffsetMin);
  const onToday = day === localDayNumber(today, utcOffsetMin);
  return onToday ? clock : `${dayKey(day).slice(5)} ${clock}`;
}

/**
 * Hours from which a duration is said in days and hours: "the door unused for 23 days 3 h" reads at
 * a glance where "555 h 42 min" does not, and the minutes of so long a span say nothing.
 */
const DAYS_FROM_HOURS = 48;

/** A duration for a reason: '6 h 10 min' / '6 小时 10 分'; from two days on, '23 days 3 h' / '23 天 3 小时'. */
export function formatDuration(ms: number): { en: string; zh: string } {
  const total = Math.max(0, Math.round(ms / MS_PER_MIN));
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  if (hours >= DAYS_FROM_HOURS) {
    const days = Math.floor(hours / 24);
    const rest = hours % 24;
    return rest === 0 ? { en: `${days} days`, zh: `${days} 天` } : { en: `${days} days ${rest} h`, zh: `${days} 天 ${rest} 小时` };
  }
  if (hours === 0) return { en: `${minutes} min`, zh: `${minutes} 分钟` };
  if (minutes === 0) return { en: `${hours} h`, zh: `${hours} 小时` };
  return { en: `${hours} h ${minutes} min`, zh: `${hours} 小时 ${minutes} 分` };
}
