import {
  fromWireTime,
  toWireTime,
  type EventAttributes,
  type EventItem,
  type EventType,
  type ReadingItem,
  type SubjectKind,
  type Unit,
} from '../../shared/contract/index.js';
import { qualifiedMeasurement, quoteIdentifier, quoteString, timeLiteral } from './influxql.js';
import { queryLimit } from './query-limit.js';
import type { BatchOrigin, OriginItems, StoredEvent, StoredReading, TimeRange } from './telemetry-store.js';

/**
 * How telemetry lies in InfluxDB, whichever API writes it (v1 /write or v2 /api/v2/write) and
 * whichever version keeps it (1.x, 2.x, 3.x): the same measurements, tags, fields and millisecond
 * timestamps, so both stores read what either wrote, and a move from 1.x to 2.x keeps the series.
 *
 * A point is keyed by measurement, tag set and timestamp; the tags name the series (gateway, estate,
 * device, and event type or reading point) and the timestamp is the item's event time in ms, so a
 * rewritten item overwrites its own point: writes are idempotent without reading first.
 * High-cardinality values (item id, subject, attributes JSON) are fields, so they do not multiply
 * series. Consequence of that key: two different items of one series in the same millisecond keep
 * only the last one written (for one reading point that is the same measurement; for one door, two
 * events of one type within 1 ms do not happen physically).
 */
export const EVENTS_MEASUREMENT = 'events';
export const READINGS_MEASUREMENT = 'readings';

/** One point before it is put on the wire; string fields stay strings, numeric fields are floats. */
export interface SeriesPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, string | number>;
  /** Epoch ms (the stores write with precision ms). */
  timestamp: number;
}

/*
 * Tags are written out in one object literal, never spread from a shared one: V8 builds a spread
 * object slowly and gives it a shape of its own, so that building 5,000 reading points took about
 * 40 ms of the cloud's one thread on a loaded two-core machine, written out about 3 ms. Their keys
 * are in byte order, the order the v1 line protocol writer sends them in: InfluxDB sorts the tags
 * of every point it parses that come unsorted ("sort tags by key before sending them to the
 * database", InfluxDB's guide to optimizing writes).
 */

export function eventPoint(origin: BatchOrigin, event: EventItem): SeriesPoint {
  return {
    measurement: EVENTS_MEASUREMENT,
    tags: { device_id: event.device_id, estate_id: origin.estateId, gateway_id: origin.gatewayId, type: event.type },
    fields: {
      id: event.id,
      subject_kind: event.subject.kind,
      subject_id: event.subject.id,
      attributes: JSON.stringify(event.attributes),
    },
    timestamp: fromWireTime(event.event_time),
  };
}

/**
 * The v1 store writes these points' lines straight from the readings (influx-v1-reading-lines.ts).
 *
 * The reading's item id is not written: the point's series and time are its identity, so a
 * redelivered reading overwrites itself without it, and nothing reads it back (StoredReading). A
 * unique string in every point is what InfluxDB stores dearest: posting the same 60,000 series
 * (200 gateways of 300 meters) six times to InfluxDB 1.6, influxd took a median 11.0 µs of CPU per
 * point with the id field and 6.8 µs without it. Points written with an id by earlier versions keep
 * it; readers ignore it.
 *
 * The unit is a tag, and `value` the one field. A unit belongs to its meter's point (a device's
 * `energy_total` is always kWh), so as a tag it adds no series, while as a string field it was a
 * second value stored with every point: posting 100,000 points of those 60,000 series ten times
 * over to InfluxDB 1.6, influxd took 1.13 s of CPU per 100,000 with the unit as a field and 0.66 s
 * with it as a tag (each write and its settling afterwards measured alike). Points written by
 * earlier versions keep their unit as a string field of the same name: readers ask for both,
 * "unit"::tag and "unit"::field (InfluxQL reference, "Data types and cast operations"), and take
 * whichever the point has (readingColumns, unitOf).
 */
export function readingPoint(origin: BatchOrigin, reading: ReadingItem): SeriesPoint {
  return {
    measurement: READINGS_MEASUREMENT,
    tags: { device_id: reading.device_id, estate_id: origin.estateId, gateway_id: origin.gatewayId, point: reading.point, unit: reading.unit },
    // Written as a float whatever its value (no "i" suffix in line protocol), so `value` keeps one type.
    fields: { value: reading.value },
    timestamp: fromWireTime(reading.event_time),
  };
}

/**
 * The unit for a SELECT of readings or of their hourly tier: as a tag (this version's points) and as
 * a field (earlier versions' points) under names of their own, which unitOf reads. `SELECT *` would
 * name them "unit" and "unit_1", which of them is which depending on what the shard holds.
 */
export const UNIT_COLUMNS = '"unit"::tag AS "unit_tag", "unit"::field AS "unit_field"';

/** The columns of readings for a SELECT. */
export const READING_COLUMNS = `"value", ${UNIT_COLUMNS}, "device_id", "estate_id", "gateway_id", "point"`;

/** A reading's unit from its row: the tag, or the field of a point written by an earlier version. */
export function unitOf(row: { unit_tag?: string | null; unit_field?: string | null }): string | undefined {
  return row.unit_tag || row.unit_field || undefined;
}

/** The points of every item of groups of messages, for one write (the v1 and the v2 store alike). */
export function pointsOf<T>(groups: readonly OriginItems<T>[], point: (origin: BatchOrigin, item: T) => SeriesPoint): SeriesPoint[] {
  return groups.flatMap(({ origin, items }) => items.map((item) => point(origin, item)));
}

/** A row of `SELECT *` on events: tags and fields side by side, time in epoch ms. */
export interface EventRow {
  time: number;
  gateway_id: string;
  estate_id: string;
  device_id: string;
  type: string;
  id: string;
  subject_kind: string;
  subject_id: string;
  attributes: string;
}

/** A row of SELECT READING_COLUMNS on readings. */
export interface ReadingRow {
  time: number;
  gateway_id: string;
  estate_id: string;
  device_id: string;
  point: string;
  value: number;
  unit_tag: string | null;
  unit_field: string | null;
}

export function eventFromRow(row: EventRow): StoredEvent {
  return {
    id: row.id,
    gateway_id: row.gateway_id,
    estate_id: row.estate_id,
    device_id: row.device_id,
    subject: { kind: row.subject_kind as SubjectKind, id: row.subject_id },
    type: row.type as EventType,
    event_time: toWireTime(row.time),
    attributes: JSON.parse(row.attributes) as EventAttributes,
  };
}

export function readingFromRow(row: ReadingRow): StoredReading {
  return {
    gateway_id: row.gateway_id,
    estate_id: row.estate_id,
    device_id: row.device_id,
    point: row.point,
    value: row.value,
    unit: unitOf(row) as Unit,
    event_time: toWireTime(row.time),
  };
}

/** Where a SELECT reads from: the database (the bucket on 2.x and 3.x) and, optionally, a retention policy. */
export interface SeriesLocation {
  database: string;
  retentionPolicy?: string;
}

/** SELECT * (READING_COLUMNS of readings) over [from, to) with tag equality filters, oldest first, at most the query's limit. */
export function selectStatement(
  measurement: string,
  location: SeriesLocation,
  range: TimeRange & { limit?: number },
  tagFilters: Record<string, string | undefined>,
): string {
  const conditions = [`time >= ${timeLiteral(range.from)}`, `time < ${timeLiteral(range.to)}`];
  for (const [tag, value] of Object.entries(tagFilters)) {
    if (value !== undefined) conditions.push(`${quoteIdentifier(tag)} = ${quoteString(value)}`);
  }
  const from = qualifiedMeasurement(measurement, location.database, location.retentionPolicy);
  const columns = measurement === READINGS_MEASUREMENT ? READING_COLUMNS : '*';
  return `SELECT ${columns} FROM ${from} WHERE ${conditions.join(' AND ')} ORDER BY time ASC LIMIT ${queryLimit(range.limit)}`;
}

/** Events oldest first; ties ordered by item id in code units, as the SQL store's COLLATE "C". */
export function inEventTimeOrder<R extends { time: number; id: string }>(rows: R[]): R[] {
  return rows.sort((a, b) => a.time - b.time || byCodeUnits(a.id, b.id));
}

/** Readings oldest first; ties ordered by device, then point, in code units, as the SQL store's COLLATE "C". */
export function inReadingOrder<R extends { time: number; device_id: string; point: string }>(rows: R[]): R[] {
  return rows.sort((a, b) => a.time - b.time || byCodeUnits(a.device_id, b.device_id) || byCodeUnits(a.point, b.point));
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The answer of InfluxDB to a write it will never take, whichever API and version: "unable to
 * parse" (line protocol it cannot read; 3.x: "parsing failed") and "partial write" (points it
 * dropped: a field type conflict, a time beyond the retention policy), the other points of the
 * request being written (1.x HTTP API docs, "/write" status codes; 2.x API reference, POST
 * /api/v2/write; 3.x "partial write of line protocol occurred"). A partial write for a series or
 * tag-value limit ("max-series-per-database limit exceeded") is the store being full, not the data
 * being wrong, so it does not count.
 */
export function isRefusedWriteReason(reason: string): boolean {
  return /^(partial write|unable to parse|parsing failed)/i.test(reason) && !/limit exceeded/i.test(reason);
}

/** The reason for a log line: InfluxDB quotes the whole point, and event fields carry what a door controller reported. */
export function redactedReason(reason: string): string {
  return reason.replace(/'[^']*'/g, "'…'");
}
