import { localDayNumber, localMinuteOfDay, MS_PER_DAY, MS_PER_MIN } from '../activity/local-time.js';

/**
 * Which half-hours of each local day showed the resident active (the decline check's measure):
 * a half-hour counts once however much happened in it, so a long shower weighs no more than a
 * flush, and a quiet day spread over many hours is told apart from a busy morning and nothing after.
 * Kept as two 24-bit masks per day for the last four weeks; a day she was away is marked and left
 * out of what is usual.
 */
export interface ActivityDay {
  day: number;
  /** Half-hours 0-23 (00:00-12:00) and 24-47 as bit masks. */
  lo: number;
  hi: number;
  away?: true;
}

/** An absence through the estate gate this long makes the day an away day (an hour's walk does not). */
export const AWAY_DAY_MS = 4 * 60 * MS_PER_MIN;

const SLOTS_PER_DAY = 48;
const HALF = 24;
const SLOT_MS = 30 * MS_PER_MIN;
const DAYS_KEPT = 29;

function slotOf(at: number, utcOffsetMin: number): { day: number; slot: number } {
  return { day: localDayNumber(at, utcOffsetMin), slot: Math.floor(localMinuteOfDay(at, utcOffsetMin) / 30) };
}

function isSet(entry: ActivityDay | undefined, slot: number): boolean {
  if (!entry) return false;
  return slot < HALF ? (entry.lo & (1 << slot)) !== 0 : (entry.hi & (1 << (slot - HALF))) !== 0;
}

/** The days with `at`'s half-hour marked active; undefined when it already was. */
export function withActiveSlot(days: readonly ActivityDay[] | undefined, at: number, utcOffsetMin: number): ActivityDay[] | undefined {
  const { day, slot } = slotOf(at, utcOffsetMin);
  const list = days ?? [];
  const entry = list.find((item) => item.day === day);
  if (isSet(entry, slot)) return undefined;
  const marked: ActivityDay = entry ? { ...entry } : { day, lo: 0, hi: 0 };
  if (slot < HALF) marked.lo |= 1 << slot;
  else marked.hi |= 1 << (slot - HALF);
  return keep([...list.filter((item) => item.day !== day), marked], day);
}

/** The days with `at`'s day marked away (it says nothing of what is usual); undefined when it already was. */
export function withAwayDay(days: readonly ActivityDay[] | undefined, at: number, utcOffsetMin: number): ActivityDay[] | undefined {
  const day = localDayNumber(at, utcOffsetMin);
  const list = days ?? [];
  const entry = list.find((item) => item.day === day);
  if (entry?.away) return undefined;
  return keep([...list.filter((item) => item.day !== day), { ...(entry ?? { day, lo: 0, hi: 0 }), away: true }], day);
}

export interface ActivityCompared {
  /** Active half-hours in the window. */
  seen: number;
  /** Active half-hours the household's history makes usual for the same hours of the day. */
  usual: number;
  /** Days of history behind `usual`. */
  historyDays: number;
  /** A day in the window was marked away. */
  awayInWindow: boolean;
}

/** The last `windowMs` before `now` against the same half-hours on the household's past days. */
export function compareActivity(days: readonly ActivityDay[] | undefined, now: number, windowMs: number, utcOffsetMin: number): ActivityCompared {
  const list = days ?? [];
  const from = slotOf(now - windowMs, utcOffsetMin);
  const history = list.filter((entry) => entry.day < from.day && !entry.away);
  const share = new Array<number>(SLOTS_PER_DAY).fill(0);
  for (const entry of history) for (let slot = 0; slot < SLOTS_PER_DAY; slot++) if (isSet(entry, slot)) share[slot]!++;
  let seen = 0;
  let usual = 0;
  let awayInWindow = false;
  for (let at = now - windowMs; at < now; at += SLOT_MS) {
    const { day, slot } = slotOf(at, utcOffsetMin);
    const entry = list.find((item) => item.day === day);
    if (entry?.away) awayInWindow = true;
    if (isSet(entry, slot)) seen++;
    if (history.length > 0) usual += share[slot]! / history.length;
  }
  return { seen, usual, historyDays: history.length, awayInWindow };
}

function keep(days: ActivityDay[], today: number): ActivityDay[] {
  return days.filter((item) => item.day > today - DAYS_KEPT).sort((a, b) => a.day - b.day);
}

export const ACTIVITY_DAY_MS = MS_PER_DAY;
