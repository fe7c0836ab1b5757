import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import { localMinuteOfDay, MIN_PER_DAY, MS_PER_HOUR } from '../activity/local-time.js';
import { morningDay, morningRoutine, type FirstActivity } from './morning-routine.js';

/**
 * The household's sleep hours: from five hours to one hour before its usual first activity (its own
 * routine, or the enrollment's "gets up about" while that is learned). A 02:00 flush is still a
 * night trip; a switch-on in these hours with nobody seen around it is a machine.
 */
const SLEEP_FROM_MIN = 300;
const SLEEP_TO_MIN = 60;
/** Eight hours on from any sleep hour is the morning it leads to. */
const TO_MORNING_MS = 8 * MS_PER_HOUR;

export function inSleepHours(household: CareHousehold, firsts: readonly FirstActivity[], at: number): boolean {
  const routine = morningRoutine(household, firsts, morningDay(household, at + TO_MORNING_MS));
  const minute = localMinuteOfDay(at, household.utc_offset_min);
  const untilRising = (routine.usualFrom - minute + MIN_PER_DAY) % MIN_PER_DAY;
  return untilRising >= SLEEP_TO_MIN && untilRising <= SLEEP_FROM_MIN;
}
