import type { HouseholdActivityItem } from '../../shared/contract/index.js';

/** A household's hour as the cloud keeps it: the wire item, with the gateway that sent it and its estate (from the registry). */
export interface StoredHouseholdActivity extends HouseholdActivityItem {
  gateway_id: string;
  estate_id: string;
}

/**
 * Who sent the hours and when: telemetry-store.ts BatchOrigin, which telemetry-store.ts's interface
 * extends this one with (so this file does not import it back).
 */
export interface ActivityOrigin {
  gatewayId: string;
  estateId: string;
  receivedAt: number;
}

export interface HouseholdKeyOfActivity {
  estateId: string;
  householdId: string;
}

export interface HouseholdActivityQuery extends HouseholdKeyOfActivity {
  /** Hours starting at or after this, epoch ms. */
  from: number;
  /** Hours starting before this, epoch ms. */
  to: number;
}

/**
 * Hourly activity aggregates of enrolled households, kept by every telemetry backend (one file per
 * backend: sql-household-activity.ts, influx-household-activity.ts). Keyed by estate, household and
 * hour: the same hour written again (a redelivery, a resend after a gateway restart) leaves one
 * copy, the last written. Only aggregates of households whose consent is in force are written
 * (cloud/ingest/message-router.ts asks); withdrawal leads to deleteHouseholdActivity
 * (cloud/household-activity/activity-erasure.ts).
 */
export interface HouseholdActivityStore {
  writeHouseholdActivity(origin: ActivityOrigin, items: readonly HouseholdActivityItem[]): Promise<void>;
  /** The household's hours in [from, to), oldest first. */
  queryHouseholdActivity(query: HouseholdActivityQuery): Promise<StoredHouseholdActivity[]>;
  /** Deletes every hour kept of the household in the estate; resolves once none is left. */
  deleteHouseholdActivity(household: HouseholdKeyOfActivity): Promise<void>;
}
