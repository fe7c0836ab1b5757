import { toWireTime, type HouseholdActivityItem, type RoutineSummary } from '../../shared/contract/index.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { epochMs, jsonParam, timestampParam } from '../db/sql-values.js';
import type { HouseholdActivityQuery, HouseholdKeyOfActivity, StoredHouseholdActivity } from './household-activity-store.js';
import type { BatchOrigin } from './telemetry-store.js';

interface ActivityRow {
  id: string;
  gateway_id: string;
  estate_id: string;
  household_id: string;
  hour_start: Date;
  door_openings: number | null;
  water_l: number | null;
  energy_kwh: number | null;
  above_standby_min: number | null;
  routine: RoutineSummary | null;
}

/**
 * Household activity aggregates in the SQL store (table household_activity, migration 010): a batch
 * is one INSERT over unnest()ed arrays; a household's hour written again is updated to what the
 * later write says, as an InfluxDB point is overwritten. A batch holding one hour twice keeps one
 * (DISTINCT ON: ON CONFLICT DO UPDATE may not touch one row twice in a statement).
 */
export async function writeSqlHouseholdActivity(db: SqlDatabase, origin: BatchOrigin, items: readonly HouseholdActivityItem[]): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO household_activity (estate_id, gateway_id, received_at, id, household_id, hour_start, door_openings, water_l, energy_kwh, above_standby_min, routine)
     SELECT DISTINCT ON (u.household_id, u.hour_start) $1::text, $2::text, $3::timestamptz,
       u.id, u.household_id, u.hour_start, u.door_openings, u.water_l, u.energy_kwh, u.above_standby_min, u.routine
     FROM unnest($4::text[], $5::text[], $6::timestamptz[], $7::integer[], $8::float8[], $9::float8[], $10::float8[], $11::jsonb[])
       WITH ORDINALITY AS u (id, household_id, hour_start, door_openings, water_l, energy_kwh, above_standby_min, routine, n)
     ORDER BY u.household_id, u.hour_start, u.n DESC
     ON CONFLICT (estate_id, household_id, hour_start) DO UPDATE SET
       gateway_id = EXCLUDED.gateway_id, received_at = EXCLUDED.received_at, id = EXCLUDED.id,
       door_openings = EXCLUDED.door_openings, water_l = EXCLUDED.water_l, energy_kwh = EXCLUDED.energy_kwh,
       above_standby_min = EXCLUDED.above_standby_min, routine = EXCLUDED.routine`,
    [
      origin.estateId,
      origin.gatewayId,
      timestampParam(origin.receivedAt),
      items.map((item) => item.id),
      items.map((item) => item.household_id),
      items.map((item) => item.event_time),
      items.map((item) => item.door_openings),
      items.map((item) => item.water_l),
      items.map((item) => item.energy_kwh),
      items.map((item) => item.above_standby_min),
      items.map((item) => (item.routine === undefined ? null : jsonParam(item.routine))),
    ],
  );
}

export async function querySqlHouseholdActivity(db: SqlDatabase, query: HouseholdActivityQuery): Promise<StoredHouseholdActivity[]> {
  const { rows } = await db.query<ActivityRow>(
    `SELECT id, gateway_id, estate_id, household_id, hour_start, door_openings, water_l, energy_kwh, above_standby_min, routine
     FROM household_activity
     WHERE estate_id = $1 AND household_id = $2 AND hour_start >= $3::timestamptz AND hour_start < $4::timestamptz
     ORDER BY hour_start`,
    [query.estateId, query.householdId, timestampParam(query.from), timestampParam(query.to)],
  );
  return rows.map((row) => ({
    id: row.id,
    gateway_id: row.gateway_id,
    estate_id: row.estate_id,
    household_id: row.household_id,
    event_time: toWireTime(epochMs(row.hour_start)),
    door_openings: row.door_openings,
    water_l: row.water_l,
    energy_kwh: row.energy_kwh,
    above_standby_min: row.above_standby_min,
    ...(row.routine === null ? {} : { routine: row.routine }),
  }));
}

export async function deleteSqlHouseholdActivity(db: SqlDatabase, household: HouseholdKeyOfActivity): Promise<void> {
  await db.query('DELETE FROM household_activity WHERE estate_id = $1 AND household_id = $2', [household.estateId, household.householdId]);
}
