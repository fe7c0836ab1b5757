import type { HouseholdActivityItem } from '../../shared/contract/index.js';
import type { Logger } from '../../shared/log/logger.js';
import type { SqlExecutor } from '../db/sql-database.js';
import type { BatchOrigin, TelemetryStore } from '../telemetry/telemetry-store.js';

/** The households of the estate, among these, with a consent in force (care_consents, migration 005). */
export async function householdsWithConsent(db: SqlExecutor, estateId: string, householdIds: readonly string[]): Promise<Set<string>> {
  if (householdIds.length === 0) return new Set();
  const { rows } = await db.query<{ unit_id: string }>(
    'SELECT unit_id FROM care_consents WHERE estate_id = $1 AND unit_id = ANY($2::text[]) AND withdrawn_at IS NULL',
    [estateId, [...new Set(householdIds)]],
  );
  return new Set(rows.map((row) => row.unit_id));
}

/**
 * The telemetry store as ingest sees it: every call passes through, except that household activity
 * is written only for households of the gateway's estate whose consent is in force now. Hours a
 * gateway still had in its outbox when the consent was withdrawn (or that name a household the
 * estate never enrolled) are dropped, logged, and answered as stored: the cloud will never keep
 * them, so the gateway need not send them again. Built as a proxy so it stays whole whatever the
 * store interface gains.
 */
export function consentCheckedStore(store: TelemetryStore, db: SqlExecutor, logger: Logger): TelemetryStore {
  const writeHouseholdActivity = async (origin: BatchOrigin, items: readonly HouseholdActivityItem[]): Promise<void> => {
    const consented = await householdsWithConsent(db, origin.estateId, items.map((item) => item.household_id));
    const kept = items.filter((item) => consented.has(item.household_id));
    if (kept.length < items.length) {
      const dropped = [...new Set(items.filter((item) => !consented.has(item.household_id)).map((item) => item.household_id))];
      logger.warn({ gateway: origin.gatewayId, estate: origin.estateId, households: dropped, items: items.length - kept.length }, 'household activity without a consent in force dropped');
    }
    await store.writeHouseholdActivity(origin, kept);
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'writeHouseholdActivity') return writeHouseholdActivity;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
