import {
  toWireTime,
  type HouseholdActivityItem,
  type EventAttributes,
  type EventItem,
  type EventType,
  type ReadingItem,
  type SubjectKind,
  type Unit,
} from '../../shared/contract/index.js';
import { migrate } from '../db/migrate.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { databaseAnswers } from '../db/database-answers.js';
import { SqlParams, whereClause } from '../db/sql-params.js';
import { epochMs, jsonParam, timestampParam } from '../db/sql-values.js';
import { queryLimit } from './query-limit.js';
import type { HouseholdActivityQuery, HouseholdKeyOfActivity, StoredHouseholdActivity } from './household-activity-store.js';
import { deleteSqlHouseholdActivity, querySqlHouseholdActivity, writeSqlHouseholdActivity } from './sql-household-activity.js';
import type {
  BatchOrigin,
  EventQuery,
  OriginItems,
  ReadingQuery,
  StoredEvent,
  StoredReading,
  TelemetryStore,
  TimeRange,
} from './telemetry-store.js';

interface EventRow {
  id: string;
  gateway_id: string;
  estate_id: string;
  device_id: string;
  subject_kind: string;
  subject_id: string;
  type: string;
  event_time: Date;
  attributes: EventAttributes;
}

interface ReadingRow {
  id: string;
  gateway_id: string;
  estate_id: string;
  device_id: string;
  point: string;
  value: number;
  unit: string;
  event_time: Date;
}

/**
 * Telemetry in the cloud's SQL database: the embedded default. A batch, of one message or of many,
 * is one INSERT over unnest()ed arrays (one round trip however many items); ON CONFLICT DO NOTHING makes a redelivered item, or the
 * same item twice in one batch, leave one row.
 */
export class SqlTelemetryStore implements TelemetryStore {
  readonly backend = 'sql' as const;

  constructor(private readonly db: SqlDatabase) {}

  /** The tables belong to the schema migrations; running them again is harmless. */
  async init(): Promise<void> {
    await migrate(this.db);
  }

  writeEvents(origin: BatchOrigin, events: readonly EventItem[]): Promise<void> {
    return this.writeEventGroups([{ origin, items: events }]);
  }

  writeReadings(origin: BatchOrigin, readings: readonly ReadingItem[]): Promise<void> {
    return this.writeReadingGroups([{ origin, items: readings }]);
  }

  async writeEventGroups(groups: readonly OriginItems<EventItem>[]): Promise<void> {
    const rows = rowsOf(groups);
    if (rows.items.length === 0) return;
    const events = rows.items;
    await this.db.query(
      `INSERT INTO events (gateway_id, estate_id, received_at, id, device_id, subject_kind, subject_id, type, event_time, attributes)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::jsonb[])
       ON CONFLICT (gateway_id, id) DO NOTHING`,
      [
        rows.gatewayIds,
        rows.estateIds,
        rows.receivedAts,
        events.map((e) => e.id),
        events.map((e) => e.device_id),
        events.map((e) => e.subject.kind),
        events.map((e) => e.subject.id),
        events.map((e) => e.type),
        events.map((e) => e.event_time),
        events.map((e) => jsonParam(e.attributes)),
      ],
    );
  }

  async writeReadingGroups(groups: readonly OriginItems<ReadingItem>[]): Promise<void> {
    const rows = rowsOf(groups);
    if (rows.items.length === 0) return;
    const readings = rows.items;
    await this.db.query(
      `INSERT INTO readings (gateway_id, estate_id, received_at, id, device_id, point, value, unit, event_time)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::timestamptz[])
       ON CONFLICT (gateway_id, id) DO NOTHING`,
      [
        rows.gatewayIds,
        rows.estateIds,
        rows.receivedAts,
        readings.map((r) => r.id),
        readings.map((r) => r.device_id),
        readings.map((r) => r.point),
        readings.map((r) => r.value),
        readings.map((r) => r.unit),
        readings.map((r) => r.event_time),
      ],
    );
  }

  async queryEvents(query: EventQuery): Promise<StoredEvent[]> {
    const params = new SqlParams();
    const where = timeConditions(params, query);
    if (query.gatewayId !== undefined) where.push(`gateway_id = ${params.add(query.gatewayId)}`);
    if (query.deviceId !== undefined) where.push(`device_id = ${params.add(query.deviceId)}`);
    if (query.type !== undefined) where.push(`type = ${params.add(query.type)}`);
    const { rows } = await this.db.query<EventRow>(
      `SELECT id, gateway_id, estate_id, device_id, subject_kind, subject_id, type, event_time, attributes
       FROM events${whereClause(where)} ORDER BY event_time, id COLLATE "C" LIMIT ${params.add(queryLimit(query.limit))}`,
      params.values,
    );
    return rows.map((row) => ({
      id: row.id,
      gateway_id: row.gateway_id,
      estate_id: row.estate_id,
      device_id: row.device_id,
      subject: { kind: row.subject_kind as SubjectKind, id: row.subject_id },
      type: row.type as EventType,
      event_time: toWireTime(epochMs(row.event_time)),
      attributes: row.attributes,
    }));
  }

  async queryReadings(query: ReadingQuery): Promise<StoredReading[]> {
    const params = new SqlParams();
    const where = timeConditions(params, query);
    if (query.gatewayId !== undefined) where.push(`gateway_id = ${params.add(query.gatewayId)}`);
    if (query.deviceId !== undefined) where.push(`device_id = ${params.add(query.deviceId)}`);
    if (query.point !== undefined) where.push(`point = ${params.add(query.point)}`);
    const { rows } = await this.db.query<ReadingRow>(
      `SELECT id, gateway_id, estate_id, device_id, point, value, unit, event_time
       FROM readings${whereClause(where)} ORDER BY event_time, id COLLATE "C" LIMIT ${params.add(queryLimit(query.limit))}`,
      params.values,
    );
    return rows.map((row) => ({
      id: row.id,
      gateway_id: row.gateway_id,
      estate_id: row.estate_id,
      device_id: row.device_id,
      point: row.point,
      value: row.value,
      unit: row.unit as Unit,
      event_time: toWireTime(epochMs(row.event_time)),
    }));
  }

  // ---- Household activity aggregates (begin): sql-household-activity.ts ----
  writeHouseholdActivity(origin: BatchOrigin, items: readonly HouseholdActivityItem[]): Promise<void> {
    return writeSqlHouseholdActivity(this.db, origin, items);
  }

  queryHouseholdActivity(query: HouseholdActivityQuery): Promise<StoredHouseholdActivity[]> {
    return querySqlHouseholdActivity(this.db, query);
  }

  deleteHouseholdActivity(household: HouseholdKeyOfActivity): Promise<void> {
    return deleteSqlHouseholdActivity(this.db, household);
  }
  // ---- Household activity aggregates (end) ----

  ping(): Promise<boolean> {
    return databaseAnswers(this.db);
  }

  /** The database belongs to whoever opened it (it also holds tickets and the registry); it stays open. */
  async close(): Promise<void> {}
}

/** The items of every group in one list, each with its origin's columns beside it. */
function rowsOf<T>(groups: readonly OriginItems<T>[]): { items: T[]; gatewayIds: string[]; estateIds: string[]; receivedAts: string[] } {
  const rows = { items: [] as T[], gatewayIds: [] as string[], estateIds: [] as string[], receivedAts: [] as string[] };
  for (const { origin, items } of groups) {
    const receivedAt = timestampParam(origin.receivedAt);
    for (const item of items) {
      rows.items.push(item);
      rows.gatewayIds.push(origin.gatewayId);
      rows.estateIds.push(origin.estateId);
      rows.receivedAts.push(receivedAt);
    }
  }
  return rows;
}

function timeConditions(params: SqlParams, range: TimeRange): string[] {
  return [
    `event_time >= ${params.add(timestampParam(range.from))}::timestamptz`,
    `event_time < ${params.add(timestampParam(range.to))}::timestamptz`,
  ];
}
