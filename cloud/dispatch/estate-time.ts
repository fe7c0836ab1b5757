/** A moment as the estate's wall clock shows it: ISO weekday (1 = Monday ... 7 = Sunday) and minute of the day. */
export interface LocalMoment {
  weekday: number;
  minuteOfDay: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The estate's local weekday and minute at epochMs, through the IANA zone (daylight saving included). */
export function localMoment(epochMs: number, timeZone: string): LocalMoment {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAYS[part('weekday')]!, minuteOfDay: Number(part('hour')) * 60 + Number(part('minute')) };
}

/** True when the runtime knows the zone (an unknown one throws a RangeError in Intl). */
export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}
