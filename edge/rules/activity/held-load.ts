import { MS_PER_HOUR, MS_PER_MIN } from './local-time.js';

/**
 * Some switch-ons are judged by what follows them rather than at once: how long the load stays on,
 * and whether anything else is seen around it.
 * - mid: a step of a few hundred watts. A frost-free fridge's defrost heater (300-450 W) comes on
 *   by itself every day or so at no fixed time and switches itself off after 15-25 minutes; what a
 *   person switches on at that size (a washing machine's motor, a small rice cooker, a fan heater)
 *   runs longer. It counts once it has stayed on HOLD_MS; off sooner, it was a machine's cycle.
 * - lone: a big step after LONE_AFTER_MS in which nothing counted. A water heater reheating for
 *   standing losses, hours after anyone drew hot water, is exactly that, and its size is all a meter
 *   read every five minutes shows of it. A person's kettle, microwave or hair dryer is off again
 *   within a poll or two; a room heater someone switched on goes off and on again on its thermostat;
 *   what else a person runs longer (a hob) comes with water, the door, something. So it counts when
 *   it is off within SHORT_RUN_MS, when it comes back on after going off (a thermostat), or when
 *   another sign follows within CONFIRM_MS; otherwise it was the machine, and is set aside.
 * - lone at night: the same for a big step outside the daytime window (before day_from, after
 *   day_to) with nobody seen in the half hour before it (no door, water or gate sign, no switch-on
 *   that counted as hers: care/meter-sightings.ts holdKind): a timed water heater runs
 *   on the night tariff (23:00-07:00) and reheats there after a flush drew a little hot water; a
 *   resident who switches something on at 06:40 has usually been seen doing so.
 * Either counts from when it came on. Until it is judged, a check falling due waits for it
 * (care/pending-evidence.ts).
 */
export interface HeldLoad {
  kind: 'mid' | 'lone';
  /** Lone for being unattended in the night window rather than after LONE_AFTER_MS of quiet. */
  night?: true;
  /** When it came on, its size (W) and the power before it (W). */
  at: number;
  watts: number;
  before: number;
  /** A lone load that ran longer than SHORT_RUN_MS went off then (it may come back on its thermostat). */
  off?: number;
}

/** Steps up to this size are held as mid loads; larger ones (a kettle, a heater) are judged at once unless lone. */
export const MID_LOAD_MAX_W = 500;
export const HOLD_MS = 30 * MS_PER_MIN;
/** A big switch-on with nothing counted this long before it is lone. */
export const LONE_AFTER_MS = 2 * MS_PER_HOUR;
/** Off again by the next poll: a kettle, a microwave, a hair dryer. */
export const SHORT_RUN_MS = 8 * MS_PER_MIN;
export const CONFIRM_MS = 60 * MS_PER_MIN;

export type HeldOutcome = { judged: 'holding'; held: HeldLoad } | { judged: 'counts' } | { judged: 'set_aside' };

/** The held load at a new power reading: still holding, counting as activity, or set aside. */
export function judgeHeld(held: HeldLoad, now: number, watts: number): HeldOutcome {
  const ran = now - held.at;
  const on = watts >= held.before + held.watts / 2;
  if (held.kind === 'mid') {
    if (!on) return { judged: 'set_aside' };
    return ran >= HOLD_MS ? { judged: 'counts' } : { judged: 'holding', held };
  }
  if (on && held.off !== undefined) return { judged: 'counts' };
  if (!on && held.off === undefined) {
    if (ran <= SHORT_RUN_MS) return { judged: 'counts' };
    held = { ...held, off: now };
  }
  return ran >= CONFIRM_MS ? { judged: 'set_aside' } : { judged: 'holding', held };
}

/** Until when a held load may still come to count. */
export function heldUntil(held: HeldLoad): number {
  return held.at + (held.kind === 'mid' ? HOLD_MS : CONFIRM_MS);
}
