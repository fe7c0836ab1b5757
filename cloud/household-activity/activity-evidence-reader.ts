import { fromWireTime } from '../../shared/contract/index.js';
import type { HouseholdActivityHour, HouseholdActivityQuery, HouseholdActivityReader } from '../telemetry/household-activity-reader.js';
import type { HouseholdActivityStore } from '../telemetry/household-activity-store.js';

/**
 * A care visit's evidence reads the household's hours from the store that keeps them: the hourly
 * aggregates only (the raw signals never leave the gateway). A signal with no data in an hour stays
 * null, not zero: "no water reading" is not "no water used".
 */
export class StoredActivityEvidenceReader implements HouseholdActivityReader {
  constructor(private readonly store: Pick<HouseholdActivityStore, 'queryHouseholdActivity'>) {}

  async hourlyActivity(query: HouseholdActivityQuery): Promise<HouseholdActivityHour[]> {
    const hours = await this.store.queryHouseholdActivity({ estateId: query.estateId, householdId: query.householdId, from: query.from, to: query.to });
    return hours.map((hour) => ({
      hour: fromWireTime(hour.event_time),
      doorOpenings: hour.door_openings,
      waterLitres: hour.water_l,
      energyKwh: hour.energy_kwh,
      minutesAboveStandby: hour.above_standby_min,
    }));
  }
}
