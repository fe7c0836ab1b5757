import { toWireTime, type HouseholdActivityItem, type RoutineSummary } from '../../shared/contract/index.js';
import type { HourTally } from './household-hours.js';

/**
 * The idempotency id of a household's hour: the household and the hour's start, so the same hour
 * sent again, or worked out again after a restart, is the same item at the cloud.
 */
export function activityItemId(householdId: string, hourStart: number): string {
  return `activity:${householdId}:${toWireTime(hourStart)}`;
}

/** The wire item of an ended hour; amounts rounded to what the meters resolve and beyond. */
export function activityItem(householdId: string, hour: HourTally, routine: RoutineSummary | undefined): HouseholdActivityItem {
  return {
    id: activityItemId(householdId, hour.start),
    household_id: householdId,
    event_time: toWireTime(hour.start),
    door_openings: hour.door,
    water_l: hour.waterL === null ? null : round(hour.waterL, 3),
    energy_kwh: hour.energyKwh === null ? null : round(hour.energyKwh, 4),
    above_standby_min: hour.aboveStandbyMin === null ? null : Math.min(60, round(hour.aboveStandbyMin, 2)),
    ...(routine ? { routine } : {}),
  };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
