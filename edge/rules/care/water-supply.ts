import { clockMinutes, localMinuteOfDay, MS_PER_MIN } from '../activity/local-time.js';
import type { CareCall } from './care-call-context.js';
import { enrolledHouseholds } from './enrolled-households.js';

/**
 * A cut in the estate's water supply (maintenance, a burst main) stops every water meter at once:
 * a resident who cannot run the tap is not a quiet one. With enough households enrolled, no water
 * use anywhere on the estate for SUPPLY_QUIET_MS in the daytime means the water meters show
 * nothing of anyone: the care checks then treat water as blind (no data is not no activity).
 */
const ESTATE_WATER_KEY = 'estate:water';
/** The last cut seen, kept after it ended: water watches a quiet only from the cut's end. */
const ESTATE_CUT_KEY = 'estate:water_cut';
const MIN_HOUSEHOLDS = 8;
const SUPPLY_QUIET_MS = 60 * MS_PER_MIN;

export interface WaterCut {
  from: number;
  /** The first water used again; absent while the cut goes on. */
  to?: number;
}

/** Water was used at `at` in one of the enrolled households (a cut going on has ended). */
export function noteEstateWaterUse(call: CareCall, at: number): void {
  const { context } = call;
  const last = context.state<number>(ESTATE_WATER_KEY);
  if (last !== undefined && at <= last) return;
  const cut = ongoingCut(call, at);
  if (cut !== undefined) context.setState(ESTATE_CUT_KEY, { from: cut, to: at } satisfies WaterCut);
  context.setState(ESTATE_WATER_KEY, at);
}

/** The estate's water supply is cut now, or was lately: since when, and until when if it is over. */
export function waterCut(call: CareCall): WaterCut | undefined {
  const ongoing = ongoingCut(call, call.context.now);
  return ongoing !== undefined ? { from: ongoing } : call.context.state<WaterCut>(ESTATE_CUT_KEY);
}

function ongoingCut(call: CareCall, now: number): number | undefined {
  const { context, household } = call;
  const last = context.state<number>(ESTATE_WATER_KEY);
  if (last === undefined || now - last < SUPPLY_QUIET_MS) return undefined;
  if (enrolledHouseholds(context.config.care).byUnit.size < MIN_HOUSEHOLDS) return undefined;
  const minute = localMinuteOfDay(last, household.utc_offset_min);
  const inDay = minute >= clockMinutes(household.inactivity.day_from) && minute < clockMinutes(household.inactivity.day_to);
  return inDay ? last : undefined;
}
