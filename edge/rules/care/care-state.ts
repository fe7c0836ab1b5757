import { prefixedKey } from '../state/state-key.js';
import type { ActivitySignal } from '../activity/activity-signal.js';
import type { DiscountReason } from '../activity/appliance-model.js';
import type { HouseholdActivity } from '../activity/household-activity.js';
import type { MeterTrack } from '../activity/meter-track.js';
import type { HeldLoad } from '../activity/held-load.js';
import type { PowerFloor } from '../activity/power-floor.js';
import type { WaterFlow } from '../activity/water-flow.js';
import type { ActivityDay } from './activity-days.js';
import type { DoorHealth } from './door-health.js';
import type { FirstActivity } from './morning-routine.js';
import type { QuietSpan } from './quiet-lengths.js';

/**
 * What the household care rule keeps per household and per device (rule state, persisted by the
 * engine with each input; JSON only). It stays on the gateway: raw household signals never leave it
 * (edge/privacy/uplink-policy.ts); alerts carry a summary.
 */
export interface HouseholdCareState {
  /** The first input seen while enrolled: quiet is never counted from before it. */
  watch_start: number;
  activity: HouseholdActivity;
  /** How the current day began (days start at morning_check.day_starts_at). */
  today?: DayStart;
  /** First activity per day, oldest first, for the morning routine. */
  firsts: FirstActivity[];
  /** The day whose morning check has been made. */
  morning_done?: number;
  /** The check that raised the open episode. */
  raised_by?: CareCheck;
  /** Switch-ons lately not counted as activity (a learned heater's reheat), for the alert. */
  discounted?: Discounted[];
  /** Long daytime quiet spans of the last weeks: the household's own quiet lengths (quiet-lengths.ts). */
  quiet_spans?: QuietSpan[];
  /** Half-hours with activity per local day, for the decline check (activity-days.ts). */
  days?: ActivityDay[];
  /** Signs that the door controller has died (door-health.ts). */
  door?: DoorHealth;
  /** Her switch-ons that counted as activity so far, for the decline check's windows (review-windows.ts). */
  switch_ons?: number;
  /** The last review that found her activity low enough for a decline (decline-check.ts: two running raise it). */
  decline_low_at?: number;
  /** Something is left running (activity/power-floor.ts loadHeldOn): a quiet after the door is not her gone out. */
  load_on?: true;
}

/**
 * inactivity and morning_check raise the care visit; decline raises the gentler "check on" visit
 * (minor), which a later check escalates; not_back says a registered return was missed.
 */
export type CareCheck = 'inactivity' | 'morning_check' | 'decline' | 'not_back';

/** A switch-on not counted as the resident's activity, and why. */
export interface Discounted {
  at: number;
  /**
   * A step of the power between readings, a small load raising the floor (activity/power-floor.ts),
   * a switch-on held and then set aside (activity/held-load.ts), or a load that ran between two
   * readings (activity/unseen-load.ts; `watts` is then its energy, Wh).
   */
  what: 'switch_on' | 'small_load' | 'held_load' | 'unseen_load';
  watts: number;
  /**
   * The appliance model's reason; went_off: a few hundred watts off again within HOLD_MS; alone: a
   * big load running with nothing else seen before or after it; alone_at_night: the same, switched
   * on in the night window with nobody seen in the half hour before (activity/held-load.ts);
   * machine_ran: a floor rise that the home's machines set aside in the floor's window account for
   * (care/floor-machines.ts).
   */
  why: DiscountReason | 'went_off' | 'alone' | 'alone_at_night' | 'machine_ran';
}

/**
 * When the resident got up. A sighting no earlier than an hour before the usual getting-up window
 * is getting up; one earlier than that (a flush at 04:15 by a 06:30 riser, then sleep) is a
 * night-time trip and only a candidate, confirmed by a second sighting within GOT_UP_WITHIN_MS.
 * A fall on the way back from the toilet at night is then still caught by the morning check.
 */
export interface DayStart {
  day: number;
  candidate?: { at: number; signal: ActivitySignal; /** The day says nothing of the routine. */ excluded: boolean };
  up?: {
    at: number;
    signal: ActivitySignal;
    /**
     * Up from a night-time trip confirmed by the next (two flushes 55 minutes apart before her
     * usual window): tentative when her learned mornings begin with another kind of sign (the kettle
     * or a light, where these were water). The morning check then still wants a sign of her in the
     * usual window, a third sign or one of the kind her mornings begin with (morning-check.ts), as a
     * resident who fell on the way back from the second trip shows none.
     */
    fromNight?: true;
    /** Signs of her counted since (the trip and its confirmation are two), up to NIGHT_UP_SIGNS. */
    signs?: number;
    /** The kinds of those signs (water alone: flushes). */
    signals?: ActivitySignal[];
  };
  /** Her next sign after getting up has been seen (its gap noted in the routine). */
  second?: true;
}

/**
 * Up from night-time trips is a morning once this many signs of her were seen (a third sign: trips
 * to the toilet come one at a time, an hour or more apart; a morning is a run of signs), or one in
 * her usual window.
 */
export const NIGHT_UP_SIGNS = 3;

/** A second sighting within this long confirms the resident is up. */
export const GOT_UP_WITHIN_MS = 60 * 60_000;

/**
 * A water or electricity meter of a household. Water keeps its steady-flow run (activity/water-flow.ts)
 * and since when water has run steadily; electricity its one-hour floor (activity/power-floor.ts).
 */
export interface CareMeterTrack extends MeterTrack {
  /** The last gap in its data (even one its counter bridged): when in it the use fell is unknown. */
  broken_at?: number;
  flowing_since?: number;
  flow?: WaterFlow;
  floor?: PowerFloor;
  /** A switch-on waiting to be judged by what follows it (activity/held-load.ts). */
  held?: HeldLoad;
}

/**
 * A door controller that came back online after being offline watches again from then; one that
 * sends a heartbeat is blind once the heartbeat stops (the device-offline rule reports it).
 */
export interface DoorWatchState {
  was_offline?: true;
  online_since?: number;
  /** The last heartbeat frame, how many were seen, the shortest gap between them. */
  heartbeat_at?: number;
  heartbeat_beats?: number;
  heartbeat_period?: number;
  /** Its heartbeat period, once DOOR_HEARTBEAT_FRAMES were seen: it has one. */
  heartbeat_ms?: number;
}

/** Frames of a door controller before it counts as one with a heartbeat. */
export const DOOR_HEARTBEAT_FRAMES = 5;
/** A door controller with a heartbeat is blind after this many missed beats. */
export const DOOR_MISSED_BEATS = 3;

/** History kept beyond the longest history_days a config may set (90). */
export const MAX_FIRSTS_KEPT = 90;

export const householdKey = prefixedKey('household');
export const meterKey = prefixedKey('meter');
export const doorKey = prefixedKey('door');
/** The learned self-starting loads of an electricity meter (activity/appliance-model.ts). */
export const appliancesKey = prefixedKey('appliances');
/** The same for loads seen only in the energy register, sized by their energy (activity/unseen-load.ts). */
export const unseenLoadsKey = prefixedKey('unseen');

export const INACTIVITY_TIMER = 'inactivity';
export const MORNING_TIMER = 'morning';
export const REVIEW_TIMER = 'review';
const timerKeys = new Map<string, (unitId: string) => string>();
export function timerKey(timer: string, unitId: string): string {
  let keyOf = timerKeys.get(timer);
  if (!keyOf) timerKeys.set(timer, (keyOf = prefixedKey(timer)));
  return keyOf(unitId);
}

export function parseTimerKey(key: string): { timer: string; unitId: string } | undefined {
  const colon = key.indexOf(':');
  return colon < 0 ? undefined : { timer: key.slice(0, colon), unitId: key.slice(colon + 1) };
}

/** Quiet is counted from the latest activity, never from before the household was first watched. */
export function quietStart(state: HouseholdCareState): number {
  return Math.max(state.watch_start, state.activity.latest?.at ?? Number.NEGATIVE_INFINITY);
}
