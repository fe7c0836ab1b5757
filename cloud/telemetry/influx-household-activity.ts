import { fromWireTime, toWireTime, type HouseholdActivityItem, type RoutineSummary } from '../../shared/contract/index.js';
import type { HouseholdActivityQuery, HouseholdKeyOfActivity, StoredHouseholdActivity } from './household-activity-store.js';
import { selectStatement, type SeriesLocation, type SeriesPoint } from './influx-series-layout.js';
import { quoteIdentifier, quoteString } from './influxql.js';
import type { BatchOrigin } from './telemetry-store.js';

/**
 * How household activity aggregates lie in InfluxDB, for the v1 and the v2 store alike: measurement
 * household_activity, tags estate_id and household_id (one series per household), the hour's start
 * as the timestamp, so the same hour written again overwrites its own point. A signal with no data
 * is null on the wire; InfluxDB has no null field and a rewrite merges fields with the old point's,
 * so every point lists its null signals in the string field `nulls`, and a reader takes those as
 * null whatever number an earlier write left beside them.
 */
export const HOUSEHOLD_ACTIVITY_MEASUREMENT = 'household_activity';

const SIGNAL_FIELDS = ['door_openings', 'water_l', 'energy_kwh', 'above_standby_min'] as const;
type SignalField = (typeof SIGNAL_FIELDS)[number];

/** Hours one query returns at most: 13 weeks of hours, what the API lets one ask for. */
export const MAX_ACTIVITY_HOURS = 13 * 7 * 24;

export function householdActivityPoint(origin: BatchOrigin, item: HouseholdActivityItem): SeriesPoint {
  const fields: SeriesPoint['fields'] = { id: item.id, gateway_id: origin.gatewayId };
  const nulls: SignalField[] = [];
  for (const field of SIGNAL_FIELDS) {
    const value = item[field];
    if (value === null) nulls.push(field);
    else fields[field] = value;
  }
  fields.nulls = nulls.join(',');
  if (item.routine !== undefined) fields.routine = JSON.stringify(item.routine);
  return { measurement: HOUSEHOLD_ACTIVITY_MEASUREMENT, tags: { estate_id: origin.estateId, household_id: item.household_id }, fields, timestamp: fromWireTime(item.event_time) };
}

/** A row of `SELECT *` on household_activity, time in epoch ms. */
export interface HouseholdActivityRow {
  time: number;
  estate_id: string;
  household_id: string;
  id: string;
  gateway_id: string;
  nulls: string;
  door_openings?: number | null;
  water_l?: number | null;
  energy_kwh?: number | null;
  above_standby_min?: number | null;
  routine?: string | null;
}

export function householdActivityFromRow(row: HouseholdActivityRow): StoredHouseholdActivity {
  const nulls = new Set(row.nulls.split(','));
  const signal = (field: SignalField): number | null => (nulls.has(field) ? null : (row[field] ?? null));
  return {
    id: row.id,
    gateway_id: row.gateway_id,
    estate_id: row.estate_id,
    household_id: row.household_id,
    event_time: toWireTime(row.time),
    door_openings: signal('door_openings'),
    water_l: signal('water_l'),
    energy_kwh: signal('energy_kwh'),
    above_standby_min: signal('above_standby_min'),
    ...(typeof row.routine === 'string' ? { routine: JSON.parse(row.routine) as RoutineSummary } : {}),
  };
}

export function householdActivitySelect(location: SeriesLocation, query: HouseholdActivityQuery): string {
  return selectStatement(HOUSEHOLD_ACTIVITY_MEASUREMENT, location, { from: query.from, to: query.to, limit: MAX_ACTIVITY_HOURS }, { estate_id: query.estateId, household_id: query.householdId });
}

/** The InfluxQL condition naming one household's series, for DROP SERIES on 1.x (2.x's v1 API does not take it). */
export function householdActivityWhere(household: HouseholdKeyOfActivity): string {
  return `${quoteIdentifier('estate_id')} = ${quoteString(household.estateId)} AND ${quoteIdentifier('household_id')} = ${quoteString(household.householdId)}`;
}

/**
 * The body of the v2 delete API (POST /api/v2/delete: start, stop, a predicate of tag equalities in
 * double quotes, 2.x API reference "Delete data"), over every time a point can have.
 */
export function householdActivityDeleteBody(household: HouseholdKeyOfActivity): { start: string; stop: string; predicate: string } {
  const quoted = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return {
    start: '1970-01-01T00:00:00Z',
    stop: '2262-04-11T00:00:00Z',
    predicate: `_measurement=${quoted(HOUSEHOLD_ACTIVITY_MEASUREMENT)} AND estate_id=${quoted(household.estateId)} AND household_id=${quoted(household.householdId)}`,
  };
}
