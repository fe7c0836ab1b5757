/**
 * The seam for a household's hourly activity aggregates (door openings, litres of water, kWh and
 * minutes above standby power), which enrolled households' gateways send under the household's
 * pseudonymous id: the only telemetry of a household the cloud holds (shared/contract/README.md,
 * privacy). The store that keeps them implements this; until one is given, a care visit's evidence
 * says so instead of showing anything else of the household.
 */
export interface HouseholdActivityHour {
  /** Start of the hour, epoch ms. */
  hour: number;
  /** null: the gateway had no data of that signal in the hour (a silent meter), not zero use. */
  doorOpenings: number | null;
  waterLitres: number | null;
  energyKwh: number | null;
  minutesAboveStandby: number | null;
}

export interface HouseholdActivityQuery {
  estateId: string;
  /** The household's pseudonymous id: the unit id a care alert names as its subject. */
  householdId: string;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
}

export interface HouseholdActivityReader {
  /** The household's hours in [from, to), oldest first; hours without an aggregate are left out. */
  hourlyActivity(query: HouseholdActivityQuery): Promise<HouseholdActivityHour[]>;
}
