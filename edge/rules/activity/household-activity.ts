import type { ActivitySignal, Sighting } from './activity-signal.js';
import type { GateDirection } from './event-activity.js';

/**
 * One "last seen active" per household from every signal, with the last sighting per signal kept
 * for the evidence ("last door 07:10, last water 06:55"). Persisted JSON.
 */
export interface HouseholdActivity {
  last: Partial<Record<ActivitySignal, Sighting>>;
  /** The latest sighting of any signal. */
  latest?: Sighting & { signal: ActivitySignal };
  /** The last few sightings that counted, oldest first (a steady flow's first steps are withdrawn from them). */
  recent?: Array<Sighting & { signal: ActivitySignal }>;
  /**
   * A household card was used at the estate gate (not known to be coming in) and the unit door has
   * not been used since: the resident may have left the estate. Water and electricity do not end
   * it: a washing machine or a timer runs on without anyone at home, while nobody gets back in
   * without the door.
   */
  gate_out_at?: number;
  /**
   * The last card (face, fingerprint) accepted at the household's own door: someone came in. A door
   * passage without one is her going out, or letting someone in or out from inside.
   */
  door_entry_at?: number;
}

/** The events of one passage through the door (card, opening, closing) come within this. */
export const DOOR_PASSAGE_MS = 2 * 60_000;

const RECENT_KEPT = 6;

export interface RecordedSighting {
  activity: HouseholdActivity;
  /** Later than every earlier sighting of the household: news that someone is active. */
  newest: boolean;
}

/**
 * Adds a sighting; an older one arriving late only updates its own signal's last sighting, and so
 * does one that does not count as the resident's (`counts` false: a carer's door in a registered
 * visit window, the water heater while she is away).
 * `doorWatching`: when the household's door controller is not watching, in-home activity ends a
 * gate exit too (nothing else could).
 */
export function recordSighting(
  activity: HouseholdActivity,
  signal: ActivitySignal,
  sighting: Sighting,
  options: { gateDirection?: GateDirection; doorWatching: boolean; counts?: boolean },
): RecordedSighting {
  const next: HouseholdActivity = { ...activity, last: { ...activity.last } };
  const lastOfSignal = next.last[signal];
  if (!lastOfSignal || sighting.at >= lastOfSignal.at) next.last[signal] = sighting;
  const newest = options.counts !== false && (!activity.latest || sighting.at > activity.latest.at);
  if (!newest) return { activity: next, newest };
  next.latest = { ...sighting, signal };
  if (signal === 'door' && sighting.what === 'credential_granted') next.door_entry_at = sighting.at;
  next.recent = [...(activity.recent ?? []), next.latest].slice(-RECENT_KEPT);
  if (signal === 'gate') {
    if (options.gateDirection === 'in') delete next.gate_out_at;
    else next.gate_out_at = sighting.at;
  } else if (signal === 'door' || !options.doorWatching) {
    delete next.gate_out_at;
  }
  return { activity: next, newest };
}

/**
 * Takes back the sightings of a signal since `since`: water that turned out to be a steady flow
 * (activity/water-flow.ts) was never the resident. The latest activity falls back to what came
 * before; undefined when nothing was withdrawn.
 */
export function withdrawSightings(activity: HouseholdActivity, signal: ActivitySignal, since: number): HouseholdActivity | undefined {
  const recent = activity.recent ?? [];
  const kept = recent.filter((sighting) => sighting.signal !== signal || sighting.at < since);
  if (kept.length === recent.length) return undefined;
  const next: HouseholdActivity = { ...activity, last: { ...activity.last }, recent: kept };
  const latest = kept.at(-1);
  if (latest) next.latest = latest;
  else delete next.latest;
  const lastOfSignal = kept.filter((sighting) => sighting.signal === signal).at(-1);
  if (lastOfSignal) next.last[signal] = { at: lastOfSignal.at, what: lastOfSignal.what };
  else delete next.last[signal];
  return next;
}
