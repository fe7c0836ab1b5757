import type { ActivitySignal } from '../activity/activity-signal.js';
import type { HouseholdActivity } from '../activity/household-activity.js';
import type { MeterTrack } from '../activity/meter-track.js';
import type { FirstActivity } from './morning-routine.js';

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
}

export type CareCheck = 'inactivity' | 'morning_check';

/**
 * When the resident got up. A sighting no earlier than an hour before the usual getting-up window
 * is getting up; one earlier than that (a flush at 04:15 by a 06:30 riser, then sleep) is a
 * night-time trip and only a candidate, confirmed by a second sighting within GOT_UP_WITHIN_MS.
 * A fall on the way back from the toilet at night is then still caught by the morning check.
 */
export interface DayStart {
  day: number;
  candidate?: { at: number; signal: ActivitySignal; /** The day says nothing of the routine. */ excluded: boolean };
  up?: { at: number; signal: ActivitySignal };
}

/** A second sighting within this long confirms the resident is up. */
export const GOT_UP_WITHIN_MS = 60 * 60_000;

/** A water or electricity meter of a household; water also remembers since when it runs unbroken. */
export interface CareMeterTrack extends MeterTrack {
  flowing_since?: number;
}

/** A door controller that came back online after being offline watches again from then. */
export interface DoorWatchState {
  was_offline?: true;
  online_since?: number;
}

/** History kept beyond the longest history_days a config may set (90). */
export const MAX_FIRSTS_KEPT = 90;

export const householdKey = (unitId: string) => `household:${unitId}`;
export const meterKey = (deviceId: string) => `meter:${deviceId}`;
export const doorKey = (deviceId: string) => `door:${deviceId}`;

export const INACTIVITY_TIMER = 'inactivity';
export const MORNING_TIMER = 'morning';
export const timerKey = (timer: string, unitId: string) => `${timer}:${unitId}`;

export function parseTimerKey(key: string): { timer: string; unitId: string } | undefined {
  const colon = key.indexOf(':');
  return colon < 0 ? undefined : { timer: key.slice(0, colon), unitId: key.slice(colon + 1) };
}

/** Quiet is counted from the latest activity, never from before the household was first watched. */
export function quietStart(state: HouseholdCareState): number {
  return Math.max(state.watch_start, state.activity.latest?.at ?? Number.NEGATIVE_INFINITY);
}
