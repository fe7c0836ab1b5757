import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN } from '../activity/local-time.js';
import type { QuietSpan } from './quiet-lengths.js';

/**
 * Is the household's door controller dead? It speaks only when someone passes, so its silence
 * says nothing by itself, and a dead one makes the household look quiet on two signals. Four signs
 * from the household's own signals (a controller with a heartbeat is the device-offline rule's):
 * - gate: the household's card at the estate gate twice, with no door event within
 *   gate_match_min of either (going out, the door comes first; coming home, it follows);
 * - home: one such card, and her water used a day or more after it with no door event since: she
 *   is home, and nobody gets in or out without the door (homeAfterCard);
 * - away: she came home twice with no door event since the last one: her water after a quiet of a
 *   day or more that one of her meters watched without a break (withQuietEnded: at home she would
 *   have shown herself), or a daytime quiet far longer than any she had at home (outingWithoutDoor).
 *   One may be a bad day at home; two are not;
 * - quiet: no door event for quiet_days, while water and electricity show the household active,
 *   and for so many days that her own door use makes it unlikely: a resident who opens the door on
 *   most days and not for three is a dead door; one who goes out twice a week is not, on her fourth
 *   day in. Weighed against the other way of being quiet at the door, staying in: a dead door does
 *   not stop her going out, so a resident who taps her card at the estate gate on most days out and
 *   has not tapped it either has stayed in (a cold, a bad week), and the controller is not blamed.
 *   The chance of so many days without her door use (or her gate card use) is the one her last four
 *   weeks give, with what a few weeks leave unknown taken into it (quietChance): the door is
 *   suspected when staying in is at most QUIET_CHANCE as likely as going out unseen. A daytime
 *   quiet since the last door event far longer than any she had at home before (outingWithoutDoor:
 *   a day at the family's, a day-centre day) says she went out unseen, and staying in no longer
 *   explains the quiet door: her door use alone decides. So does one day away (withQuietEnded),
 *   and one card at the gate with no door event around it, even while her meters are not taken for
 *   her (she then looks gone from the estate, and only the door would say she is back).
 */
export interface DoorHealth {
  /** Household card uses at the gate waiting for their door event, epoch ms. */
  gate_pending?: number[];
  /** Card uses that found none, since the last door event. */
  unmatched?: number[];
  /** Quiets of a day or more that her water ended, since the last door event: [from, to], epoch ms. */
  days_away?: Array<[number, number]>;
  /** Local days with a door event, the last four weeks. */
  days?: number[];
  /** Local days with the household's card at the estate gate, the last four weeks. */
  gate_days?: number[];
  /** The controller is reported dead since, and on what sign. */
  suspected?: { since: number; by: DoorSign };
}

export type DoorSign = 'gate' | 'home' | 'away' | 'quiet';

const UNMATCHED_NEEDED = 2;
const DAYS_KEPT = 28;
/**
 * Water used this long after a card at the gate that found no door event: a washing machine left
 * on its delay timer (24 h at most) no longer explains it, she is home.
 */
const HOME_AFTER_CARD_MS = MS_PER_DAY;
/** A quiet this long without a sign of her is a day away (at the family's), not a day at home. */
export const DAY_AWAY_MS = MS_PER_DAY;
/** Returns home the door did not see that make it dead at once, as two cards at the gate do. */
const RETURNS_NEEDED = 2;
/** Card uses remembered. */
const CARDS_KEPT = 10;
/** Door use watched this long before its quiet says anything. */
const QUIET_LEARNED_AFTER_MS = 4 * MS_PER_DAY;
/** Staying in at most this share as likely as going out unseen (each from her own last weeks), and it is the door. */
const QUIET_CHANCE = 0.005;
/** A quiet at home this long, and this many times her longest at home before, is an outing. */
const OUTING_MIN_MS = 5 * MS_PER_HOUR;
const OUTING_FACTOR = 1.5;
/** The prior on her daily share of a kind of use: Jeffreys' Beta(1/2, 1/2), which knows nothing of her yet. */
const PRIOR = 0.5;

/** The household's card at the estate gate at `at`, on local day `day`. */
export function withGateCard(health: DoorHealth | undefined, at: number, day: number, lastDoorAt: number | undefined, matchMin: number): DoorHealth {
  const gateDays = withDay(health?.gate_days, day);
  const seen = gateDays === health?.gate_days ? (health ?? {}) : { ...health, gate_days: gateDays };
  // The door came just before: leaving home, the card follows the door.
  if (lastDoorAt !== undefined && at - lastDoorAt <= matchMin * MS_PER_MIN && at >= lastDoorAt) return seen;
  return { ...seen, gate_pending: [...(health?.gate_pending ?? []), at].slice(-CARDS_KEPT) };
}

/** A door event on local day `day`: the controller lives (its signs are forgotten); the day has door use. */
export function withDoorEvent(health: DoorHealth | undefined, day: number): DoorHealth {
  return { days: withDay(health?.days, day), ...(health?.gate_days ? { gate_days: health.gate_days } : {}) };
}

/** The last four weeks of days with `day` among them (the same array when it already is). */
function withDay(days: readonly number[] | undefined, day: number): number[] {
  const kept = (days ?? []).filter((known) => known > day - DAYS_KEPT);
  if (kept.includes(day)) return kept.length === days?.length ? (days as number[]) : kept;
  return [...kept, day];
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
export function doorSign(health: DoorHealth | undefined, now: number, lastDoorAt: number, watchedSince: number, quietDays: number, lifeShown: boolean, today: number, wentOut = false, lastWaterAt?: number): DoorSign | undefined {
  if ((health?.unmatched?.length ?? 0) >= UNMATCHED_NEEDED) return 'gate';
  if (homeAfterCard(health, lastWaterAt)) return 'home';
  const daysAway = health?.days_away?.length ?? 0;
  if (daysAway + (wentOut ? 1 : 0) >= RETURNS_NEEDED) return 'away';
  // A card at the gate with no door event around it: she went out unseen (and may look gone from the estate since).
  const seenOut = wentOut || daysAway > 0 || (health?.unmatched?.length ?? 0) > 0;
  if ((!lifeShown && !seenOut) || lastDoorAt - watchedSince < QUIET_LEARNED_AFTER_MS) return undefined;
  const quiet = (now - lastDoorAt) / MS_PER_DAY;
  if (quiet < quietDays) return undefined;
  // Her door use before this quiet: the quiet's own days would count against themselves.
  const lastDoorDay = Math.max(...(health?.days ?? [today - quiet]));
  const watched = Math.min(DAYS_KEPT, Math.max(1, Math.ceil((lastDoorAt - watchedSince) / MS_PER_DAY)));
  const before = (days: readonly number[] | undefined) => (days ?? []).filter((day) => day > lastDoorDay - DAYS_KEPT && day <= lastDoorDay).length;
  const quietDaysSeen = Math.floor(quiet);
  const stayedIn = quietChance(before(health?.days), watched, quietDaysSeen);
  // Her gate cards of the quiet's days are left out as her door days are (each is an unmatched card of the gate sign).
  const wentOutUnseen = quietChance(before(health?.gate_days), watched, quietDaysSeen);
  return stayedIn <= QUIET_CHANCE * (seenOut ? 1 : wentOutUnseen) ? 'quiet' : undefined;
}

/**
 * Her water used a day or more after a card at the gate that found no door event (and no door event
 * since: a door event forgets the card): whichever way she passed the gate, she has been home since,
 * and nobody leaves or gets back in without the door. The card set her gone from the estate, and
 * her meters are not taken for her until the door speaks (absence.ts): a dead door would keep her
 * gone, unwatched, for as long as it is dead.
 */
export function homeAfterCard(health: DoorHealth | undefined, lastWaterAt: number | undefined): boolean {
  if (lastWaterAt === undefined) return false;
  return (health?.unmatched ?? []).some((at) => lastWaterAt - at >= HOME_AFTER_CARD_MS);
}

/**
 * Her water after a quiet of a day or more (DAY_AWAY_MS) with no door event: she came home from a
 * day away and the door did not see it (or, far less often, she lay a whole day at home). Kept
 * until the next door event, which forgets it.
 */
export function withQuietEnded(health: DoorHealth | undefined, from: number, to: number): DoorHealth | undefined {
  if (to - from < DAY_AWAY_MS) return undefined;
  return { ...health, days_away: [...(health?.days_away ?? []), [from, to] as [number, number]].slice(-CARDS_KEPT) };
}

/**
 * A daytime quiet without the door since `lastDoorAt` of at least OUTING_MIN_MS and OUTING_FACTOR
 * times the longest she had at home (none began with the door) in the weeks before: an outing the
 * door did not see. Quiet spans are the household's (quiet-lengths.ts: daytime, two hours or more).
 */
export function outingWithoutDoor(spans: readonly QuietSpan[] | undefined, lastDoorAt: number): boolean {
  const home = (spans ?? []).filter((span) => !span.door);
  const before = home.filter((span) => span.from < lastDoorAt);
  const longestBefore = Math.max(0, ...before.map((span) => span.minutes * MS_PER_MIN));
  return home.some((span) => span.from >= lastDoorAt && span.minutes * MS_PER_MIN >= Math.max(OUTING_MIN_MS, OUTING_FACTOR * longestBefore));
}

/**
 * The chance of `days` days in a row without a kind of use seen on `used` of `watched` days: the
 * beta-binomial predictive with the prior PRIOR on her daily share, prod over k < days of
 * (watched - used + PRIOR + k) / (watched + 2 PRIOR + k). Unlike the share's own power, it keeps what
 * a short history leaves unknown: five days all used make four days without 0.2 % likely, where
 * the share with a day used and one not added, 6/7, made it 0.04 %.
 */
export function quietChance(used: number, watched: number, days: number): number {
  let chance = 1;
  for (let k = 0; k < days; k++) chance *= (watched - used + PRIOR + k) / (watched + 2 * PRIOR + k);
  return chance;
}
