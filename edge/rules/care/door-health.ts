import { MS_PER_DAY, MS_PER_MIN } from '../activity/local-time.js';

/**
 * Is the household's door controller dead? It speaks only when someone passes, so its silence
 * says nothing by itself, and a dead one makes the household look quiet on two signals. Two signs
 * from the household's own signals (a controller with a heartbeat is the device-offline rule's):
 * - gate: the household's card at the estate gate twice, with no door event within
 *   gate_match_min of either (going out, the door comes first; coming home, it follows);
 * - quiet: no door event for quiet_days, while water and electricity show the household active,
 *   and for so many days that her own door use makes it unlikely (at most QUIET_CHANCE): a resident
 *   who opens the door on most days and not for three is a dead door; one who goes out twice a week
 *   is not, on her fourth day in. Her share of days with door use is counted over the last four
 *   weeks (with one day used and one not added, so four days all used do not make certainty).
 */
export interface DoorHealth {
  /** Household card uses at the gate waiting for their door event, epoch ms. */
  gate_pending?: number[];
  /** Card uses that found none, since the last door event. */
  unmatched?: number[];
  /** Local days with a door event, the last four weeks. */
  days?: number[];
  /** The controller is reported dead since, and on what sign. */
  suspected?: { since: number; by: DoorSign };
}

export type DoorSign = 'gate' | 'quiet';

const UNMATCHED_NEEDED = 2;
const DAYS_KEPT = 28;
/** Card uses remembered. */
const CARDS_KEPT = 10;
/** Door use watched this long before its quiet says anything. */
const QUIET_LEARNED_AFTER_MS = 4 * MS_PER_DAY;
/** The chance, from her own days with door use, of this many days in a row without, below which it is the door. */
const QUIET_CHANCE = 0.005;

export function withGateCard(health: DoorHealth | undefined, at: number, lastDoorAt: number | undefined, matchMin: number): DoorHealth {
  // The door came just before: leaving home, the card follows the door.
  if (lastDoorAt !== undefined && at - lastDoorAt <= matchMin * MS_PER_MIN && at >= lastDoorAt) return health ?? {};
  return { ...health, gate_pending: [...(health?.gate_pending ?? []), at].slice(-CARDS_KEPT) };
}

/** A door event on local day `day`: the controller lives (its signs are forgotten); the day has door use. */
export function withDoorEvent(health: DoorHealth | undefined, day: number): DoorHealth {
  const days = (health?.days ?? []).filter((known) => known > day - DAYS_KEPT);
  return { days: days.includes(day) ? days : [...days, day] };
}

/** Card uses older than the match window without their door event become unmatched. */
export function settledGate(health: DoorHealth | undefined, now: number, matchMin: number): DoorHealth | undefined {
  const pending = health?.gate_pending;
  if (!health || !pending) return health;
  const matchMs = matchMin * MS_PER_MIN;
  const late = pending.filter((at) => now - at > matchMs);
  if (late.length === 0) return health;
  const waiting = pending.filter((at) => now - at <= matchMs);
  const { gate_pending: _pending, ...rest } = health;
  return { ...rest, ...(waiting.length > 0 ? { gate_pending: waiting } : {}), unmatched: [...(health.unmatched ?? []), ...late].slice(-CARDS_KEPT) };
}

/**
 * The sign that the controller is dead, if any. `lifeShown`: water and electricity show her active
 * lately; `today`: the local day of `now`.
 */
export function doorSign(health: DoorHealth | undefined, now: number, lastDoorAt: number, watchedSince: number, quietDays: number, lifeShown: boolean, today: number): DoorSign | undefined {
  if ((health?.unmatched?.length ?? 0) >= UNMATCHED_NEEDED) return 'gate';
  if (!lifeShown || lastDoorAt - watchedSince < QUIET_LEARNED_AFTER_MS) return undefined;
  const quiet = (now - lastDoorAt) / MS_PER_DAY;
  if (quiet < quietDays) return undefined;
  // Her door use before this quiet: the quiet's own days would count against themselves.
  const lastDoorDay = Math.max(...(health?.days ?? [today - quiet]));
  const watched = Math.min(DAYS_KEPT, Math.max(1, Math.ceil((lastDoorAt - watchedSince) / MS_PER_DAY)));
  const used = (health?.days ?? []).filter((day) => day > lastDoorDay - DAYS_KEPT).length;
  const usedShare = (used + 1) / (watched + 2);
  return (1 - usedShare) ** Math.floor(quiet) <= QUIET_CHANCE ? 'quiet' : undefined;
}
