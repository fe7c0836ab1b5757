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
  /**
   * A household card was used at the estate gate (not known to be coming in) and the unit door has
   * not been used since: the resident may have left the estate. Water and electricity do not end
   * it: a washing machine or a timer runs on without anyone at home, while nobody gets back in
   * without the door.
   */
  gate_out_at?: number;
}

export interface RecordedSighting {
  activity: HouseholdActivity;
  /** Later than every earlier sighting of the household: news that someone is active. */
  newest: boolean;
}

/**
 * Adds a sighting; an older one arriving late only updates its own signal's last sighting.
 * `doorWatching`: when the household's door controller is not watching, in-home activity ends a
 * gate exit too (nothing else could).
 */
export function recordSighting(
  activity: HouseholdActivity,
  signal: ActivitySignal,
  sighting: Sighting,
  options: { gateDirection?: GateDirection; doorWatching: boolean },
): RecordedSighting {
  const next: HouseholdActivity = { ...activity, last: { ...activity.last } };
  const lastOfSignal = next.last[signal];
  if (!lastOfSignal || sighting.at >= lastOfSignal.at) next.last[signal] = sighting;
  const newest = !activity.latest || sighting.at > activity.latest.at;
  if (!newest) return { activity: next, newest };
  next.latest = { ...sighting, signal };
  if (signal === 'gate') {
    if (options.gateDirection === 'in') delete next.gate_out_at;
    else next.gate_out_at = sighting.at;
  } else if (signal === 'door' || !options.doorWatching) {
    delete next.gate_out_at;
  }
  return { activity: next, newest };
}
