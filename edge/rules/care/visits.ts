import type { CareHousehold, CareVisit } from '../../../shared/contract/rules-config-care.js';
import { clockMinutes, isoWeekday, localDayNumber, localMidnight, localMinuteOfDay } from '../activity/local-time.js';

/** The registered visit (carer, visitor) whose window covers `now`, and when the window ends. */
export function visitAt(household: CareHousehold, now: number): { visit: CareVisit; end: number } | undefined {
  const offset = household.utc_offset_min;
  const day = localDayNumber(now, offset);
  const weekday = isoWeekday(day);
  const minute = localMinuteOfDay(now, offset);
  for (const visit of household.visits) {
    if (!visit.weekdays.includes(weekday)) continue;
    const from = clockMinutes(visit.from);
    const to = clockMinutes(visit.to);
    if (from <= minute && minute < to) return { visit, end: localMidnight(day, offset, to) };
  }
  return undefined;
}
