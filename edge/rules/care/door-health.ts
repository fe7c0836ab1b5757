import { MS_PER_DAY, MS_PER_MIN } from '../activity/local-time.js';

/**
 * Is the household's door controller dead? It speaks only when someone passes, so its silence
 * says nothing by itself, and a dead one makes the household look quiet on two signals. Two signs
 * from the household's own signals (a controller with a heartbeat is the device-offline rule's):
 * - gate: the household's card at the estate gate twice, with no door event within
 *   gate_match_min of either (going out, the door comes first; coming home, it follows);
 * - quiet: no door event for quiet_days, and for twice the longest stretch of the last four weeks,
 *   while water and electricity show the household active, once two weeks of door use are known
 *   (a resident who goes out once a week is not a dead door on her fourth day in).
 */
export interface DoorHealth {
  /** Household card uses at the gate waiting for their door event, epoch ms. */
  gate_pending?: number[];
  /** Card uses that found none, since the last door event. */
  unmatched?: number[];
  /** The long stretches between door events of the last weeks, with when each ended. */
  gaps?: Array<{ at: number; ms: number }>;
  /** The controller is reported dead since, and on what sign. */
  suspected?: { since: number; by: DoorSign };
}

export type DoorSign = 'gate' | 'quiet';

const UNMATCHED_NEEDED = 2;
const GAP_MEMORY_MS = 28 * MS_PER_DAY;
const GAP_NOTED_MS = MS_PER_DAY;
const GAP_FACTOR = 2;
/** Door use watched this long before its quiet says anything. */
const QUIET_LEARNED_AFTER_MS = 14 * MS_PER_DAY;
const GAPS_KEPT = 10;

export function withGateCard(health: DoorHealth | undefined, at: number, lastDoorAt: number | undefined, matchMin: number): DoorHealth {
  // The door came just before: leaving home, the card follows the door.
  if (lastDoorAt !== undefined && at - lastDoorAt <= matchMin * MS_PER_MIN && at >= lastDoorAt) return health ?? {};
  return { ...health, gate_pending: [...(health?.gate_pending ?? []), at].slice(-GAPS_KEPT) };
}

/** A door event: the controller lives; a long stretch before it is remembered. */
export function withDoorEvent(health: DoorHealth | undefined, at: number, previousDoorAt: number | undefined): DoorHealth {
  const gaps = (health?.gaps ?? []).filter((gap) => gap.at >= at - GAP_MEMORY_MS);
  if (previousDoorAt !== undefined && at - previousDoorAt >= GAP_NOTED_MS) gaps.push({ at, ms: at - previousDoorAt });
  return gaps.length > 0 ? { gaps: gaps.slice(-GAPS_KEPT) } : {};
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
  return { ...rest, ...(waiting.length > 0 ? { gate_pending: waiting } : {}), unmatched: [...(health.unmatched ?? []), ...late].slice(-GAPS_KEPT) };
}

/** The sign that the controller is dead, if any. `lifeShown`: water and electricity show her active lately. */
export function doorSign(health: DoorHealth | undefined, now: number, lastDoorAt: number, watchedSince: number, quietDays: number, lifeShown: boolean): DoorSign | undefined {
  if ((health?.unmatched?.length ?? 0) >= UNMATCHED_NEEDED) return 'gate';
  if (!lifeShown || lastDoorAt - watchedSince < QUIET_LEARNED_AFTER_MS) return undefined;
  const longest = Math.max(0, ...(health?.gaps ?? []).filter((gap) => gap.at >= now - GAP_MEMORY_MS).map((gap) => gap.ms));
  return now - lastDoorAt >= Math.max(quietDays * MS_PER_DAY, GAP_FACTOR * longest) ? 'quiet' : undefined;
}
