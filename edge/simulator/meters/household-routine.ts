/**
 * How busy a household is over a day, for simulated meters: asleep at night, a morning peak while
 * people get up (06:30-08:30), a quieter day, the main peak in the evening (18:00-22:00). The
 * electricity and water meters scale it into power and flow.
 */

/** (local hour, activity 0..1) anchors; linear in between. */
const ACTIVITY_BY_HOUR: ReadonlyArray<readonly [number, number]> = [
  [0, 0.05],
  [5.5, 0.05],
  [6.5, 0.6],
  [7.5, 0.9],
  [8.5, 0.4],
  [9.5, 0.15],
  [12, 0.3],
  [13.5, 0.2],
  [17, 0.25],
  [18.5, 0.8],
  [20, 1],
  [22, 0.5],
  [23.5, 0.1],
  [24, 0.05],
];

/** Activity 0..1 at a local time of day given in hours (7.25 = 07:15). */
export function householdActivity(localHour: number): number {
  const hour = ((localHour % 24) + 24) % 24;
  for (let i = 1; i < ACTIVITY_BY_HOUR.length; i++) {
    const [h1, a1] = ACTIVITY_BY_HOUR[i] ?? [24, 0];
    const [h0, a0] = ACTIVITY_BY_HOUR[i - 1] ?? [0, 0];
    if (hour <= h1) return a0 + ((a1 - a0) * (hour - h0)) / (h1 - h0);
  }
  return ACTIVITY_BY_HOUR[0]?.[1] ?? 0;
}

/** The local hour of day (China Standard Time, UTC+8: the estates' meters keep it) of an instant. */
export function localHourOf(timeMs: number, utcOffsetMinutes = 480): number {
  const minutes = (timeMs / 60_000 + utcOffsetMinutes) % 1440;
  return (minutes < 0 ? minutes + 1440 : minutes) / 60;
}

/**
 * Simulated time: the wall clock, optionally running faster (timeScale 60: an hour a minute) from
 * the moment the meter starts, so a demo shows a day's routine in minutes.
 */
export function simulatedClock(now: () => number, timeScale: number): () => number {
  const start = now();
  return () => start + (now() - start) * timeScale;
}
