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
import { SqlArrayLiteral } from './sql-array-literal.js';
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
  gateway_id: string;
  estate_id: string;
  device_id: string;
  point: string;
  value: number;
  unit: string;
  event_time: Date;
}

/**
 * The write of a batch of readings. A message's readings share its origin (gateway, estate, time
 * received), sent once per message: $1-$3 hold one element per message, $4 gives each reading the
 * number of its message (1-based, as WITH ORDINALITY numbers them), $5-$9 its own columns
 * (readingWriteParams). Sent once per row instead, the origin was some 60 of the 150 bytes of a
 * reading's parameters, and the database parsed the same time received 50 times a message.
 */
export const INSERT_READINGS_SQL = `INSERT INTO readings (gateway_id, estate_id, received_at, device_id, point, value, unit, event_time)
  SELECT o.gateway_id, o.estate_id, o.received_at, r.device_id, r.point, r.value, r.unit, r.event_time
  FROM unnest($4::integer[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::timestamptz[]) AS r (message, device_id, point, value, unit, event_time)
  JOIN unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS o (gateway_id, estate_id, received_at, message) USING (message)
  ON CONFLICT (gateway_id, device_id, event_time, point) DO NOTHING`;

/** The parameters of INSERT_READINGS_SQL for the readings of the groups, and how many rows they make. */
export function readingWriteParams(groups: readonly OriginItems<ReadingItem>[]): { rows: number; params: string[] } {
  const gatewayIds = new SqlArrayLiteral();
  const estateIds = new SqlArrayLiteral();
  const receivedAts = new SqlArrayLiteral();
  const messages = new SqlArrayLiteral();
  let rows = 0;
  for (const { origin, items } of groups) {
    if (items.length === 0) continue;
    gatewayIds.add(origin.gatewayId);
    estateIds.add(origin.estateId);
    receivedAts.add(timestampParam(origin.receivedAt));
    messages.addRepeated(gatewayIds.length, items.length);
    rows += items.length;
  }
  const params = [gatewayIds.toString(), estateIds.toString(), receivedAts.toString(), messages.toString()];
  params.push(...itemColumns(groups, [(r) => r.device_id, (r) => r.point, (r) => r.value, (r) => r.unit, (r) => r.event_time]));
  return { rows, params };
}

/**
 * Telemetry in the cloud's SQL database: the embedded default. A batch, of one message or of many,
 * is one INSERT over unnest()ed arrays (one round trip however many items; the arrays' text built
 * by sql-array-literal.ts); ON CONFLICT DO NOTHING makes a redelivered item, or the same item twice
 * in one batch, leave one row: an event by its gateway and item id, a reading by its series and time
 * (migration 012-readings-series-key; a reading's row keeps no item id, 013-readings-without-item-id).
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
    const origins = originColumns(groups);
    if (origins.rows === 0) return;
    await this.db.query(
      `INSERT INTO events (gateway_id, estate_id, received_at, id, device_id, subject_kind, subject_id, type, event_time, attributes)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::jsonb[])
       ON CONFLICT (gateway_id, id) DO NOTHING`,
      [
        ...origins.columns,
        ...itemColumns(groups, [
          (e) => e.id,
          (e) => e.device_id,
          (e) => e.subject.kind,
          (e) => e.subject.id,
          (e) => e.type,
          (e) => e.event_time,
          (e) => jsonParam(e.attributes),
        ]),
      ],
    );
  }

  async writeReadingGroups(groups: readonly OriginItems<ReadingItem>[]): Promise<void> {
    const { rows, params } = readingWriteParams(groups);
    if (rows === 0) return;
    await this.db.query(INSERT_READINGS_SQL, params);
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
      `SELECT gateway_id, estate_id, device_id, point, value, unit, event_time
       FROM readings${whereClause(where)} ORDER BY event_time, device_id COLLATE "C", point COLLATE "C" LIMIT ${params.add(queryLimit(query.limit))}`,
      params.values,
    );
    return rows.map((row) => ({
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

/**
 * The origin's columns of every item of the groups (gateway, estate, time received), as array
 * parameters (sql-array-literal.ts), and how many rows they make: for events, which come one or a
 * few a message (readings share their message's origin instead: readingWriteParams).
 */
function originColumns<T>(groups: readonly OriginItems<T>[]): { rows: number; columns: [string, string, string] } {
  const gatewayIds = new SqlArrayLiteral();
  const estateIds = new SqlArrayLiteral();
  const receivedAts = new SqlArrayLiteral();
  let rows = 0;
  for (const { origin, items } of groups) {
    gatewayIds.addRepeated(origin.gatewayId, items.length);
    estateIds.addRepeated(origin.estateId, items.length);
    receivedAts.addRepeated(timestampParam(origin.receivedAt), items.length);
    rows += items.length;
  }
  return { rows, columns: [gatewayIds.toString(), estateIds.toString(), receivedAts.toString()] };
}

/** One array parameter per column, over every item of the groups in order. */
function itemColumns<T>(groups: readonly OriginItems<T>[], columns: ReadonlyArray<(item: T) => string | number>): string[] {
  return columns.map((column) => {
    const literal = new SqlArrayLiteral();
    for (const { items } of groups) for (const item of items) literal.add(column(item));
    return literal.toString();
  });
}

function timeConditions(params: SqlParams, range: TimeRange): string[] {
  return [
    `event_time >= ${params.add(timestampParam(range.from))}::timestamptz`,
    `event_time < ${params.add(timestampParam(range.to))}::timestamptz`,
  ];
}
