import type { AwayPeriod, CareHousehold } from '../../../shared/contract/rules-config-care.js';
import type { HouseholdActivity } from '../activity/household-activity.js';
import { MS_PER_HOUR, MS_PER_MIN } from '../activity/local-time.js';

/**
 * Activity in the first two hours of a registered absence is the departure: packing, the door, a
 * washing machine left running. Register the real departure time when it is later.
 */
export const DEPARTURE_GRACE_MS = 2 * MS_PER_HOUR;

export type Absence =
  | { kind: 'away_period'; period: AwayPeriod; until: number }
  | { kind: 'not_back'; period: AwayPeriod }
  | { kind: 'left_estate'; since: number };

/**
 * Is the resident away rather than inactive? (edge/rules/README.md: the Zhuhai pilot's false alarms
 * came from a resident staying with her daughter.) Three cases, in this order:
 * - a registered away period (travel, hospital) is in force, and she has not come back through the
 *   door since its departure (a return before the registered end: she is home, her meters count);
 * - a registered period is over and she has not come through the door since its departure: she
 *   is not back yet (a return opens the door; a return before the end shows at the door in the
 *   period). Only the door ends it, never the water heater or a washing machine (sightings.ts
 *   does not count them while she is away); in a home whose door is not watched, what counts does;
 * - a household card went through the estate gate and the unit door has not been used since, for
 *   gate.away_after_min (MySense: a door opening and 50 min of quiet = left home): away until
 *   activity returns.
 */
export function absenceAt(household: CareHousehold, activity: HouseholdActivity, now: number): Absence | undefined {
  let lastEnded: { period: AwayPeriod; from: number; to: number } | undefined;
  const door = activity.last.door;
  for (const period of household.away_periods) {
    const { from, to } = periodTimes(period);
    if (from <= now && now < to) {
      if (door !== undefined && door.at >= from + DEPARTURE_GRACE_MS && door.at <= now) continue;
      return { kind: 'away_period', period, until: to };
    }
    if (to <= now && (!lastEnded || to > lastEnded.to)) lastEnded = { period, from, to };
  }
  if (lastEnded) {
    const back = lastEnded.from + DEPARTURE_GRACE_MS;
    const latest = activity.latest;
    if ((door === undefined || door.at < back) && (latest === undefined || latest.at < back || latest.signal === 'gate')) return { kind: 'not_back', period: lastEnded.period };
  }
  const gateOut = activity.gate_out_at;
  if (gateOut !== undefined && now >= gateOut + household.gate.away_after_min * MS_PER_MIN) {
    return { kind: 'left_estate', since: gateOut };
  }
  return undefined;
}

/** Does a registered away period overlap [from, to]? (Such a day says nothing of the routine.) */
export function awayPeriodOverlaps(household: CareHousehold, from: number, to: number): boolean {
  return household.away_periods.some((period) => {
    const times = periodTimes(period);
    return times.from <= to && from < times.to;
  });
}

const parsedPeriods = new WeakMap<AwayPeriod, { from: number; to: number }>();

/** A period's bounds in engine time, parsed once per config. */
function periodTimes(period: AwayPeriod): { from: number; to: number } {
  let times = parsedPeriods.get(period);
  if (!times) parsedPeriods.set(period, (times = { from: Date.parse(period.from), to: Date.parse(period.to) }));
  return times;
}
