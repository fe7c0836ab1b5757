import { InfluxDB, type IPoint } from 'influx';
// The client raises RequestError for a 3xx/4xx answer; its package index does not export the class.
import { RequestError } from 'influx/lib/src/pool.js';
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
import {
  TelemetryDataRefused,
  type BatchOrigin,
  type EventQuery,
  type ReadingQuery,
  type StoredEvent,
  type StoredReading,
  type TelemetryStore,
  type TimeRange,
} from './telemetry-store.js';

export interface InfluxTelemetryOptions {
  /** http(s)://host:port[/path] of the v1 API (InfluxDB 1.x, 2.x v1 compatibility, 3.x). */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /** An existing retention policy to write to and read from; the database default when omitted. */
  retentionPolicy?: string;
  /** How long ping() waits for /ping. */
  pingTimeoutMs?: number;
}

export const EVENTS_MEASUREMENT = 'events';
export const READINGS_MEASUREMENT = 'readings';
export const DEFAULT_PING_TIMEOUT_MS = 2_000;

/** Row of `SELECT *` on events: tags and fields side by side, time as a Date. */
interface EventRow {
  time: Date;
  gateway_id: string;
  estate_id: string;
  device_id: string;
  type: string;
  id: string;
  subject_kind: string;
  subject_id: string;
  attributes: string;
}

interface ReadingRow {
  time: Date;
  gateway_id: string;
  estate_id: string;
  device_id: string;
  point: string;
  id: string;
  value: number;
  unit: string;
}

/**
 * Telemetry in InfluxDB through the v1 API (line protocol writes, InfluxQL reads). A point is keyed by
 * measurement, tag set and timestamp; the tags name the series (gateway, estate, device, and event
 * type or reading point) and the timestamp is the item's event time in ms, so a rewritten item
 * overwrites its own point: writes are idempotent without reading first. High-cardinality values
 * (item id, subject, attributes JSON) are fields, so they do not multiply series.
 * Consequence of that key: two different items of one series in the same millisecond keep only the
 * last one written (for one reading point that is the same measurement; for one door, two events of
 * one type within 1 ms do not happen physically).
 */
export class InfluxTelemetryStore implements TelemetryStore {
  readonly backend = 'influxdb' as const;
  private readonly influx: InfluxDB;

  constructor(private readonly options: InfluxTelemetryOptions) {
    const url = new URL(options.url);
    this.influx = new InfluxDB({
      hosts: [
        {
          host: url.hostname,
          port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
          protocol: url.protocol === 'https:' ? 'https' : 'http',
          path: url.pathname.replace(/\/$/, ''),
        },
      ],
      database: options.database,
      username: options.username,
      password: options.password,
    });
  }

  /** CREATE DATABASE is idempotent in InfluxQL: it succeeds when the database exists. */
  async init(): Promise<void> {
    await this.influx.createDatabase(this.options.database);
  }

  async writeEvents(origin: BatchOrigin, events: readonly EventItem[]): Promise<void> {
    if (events.length === 0) return;
    await this.write(
      events.map((event) => ({
        measurement: EVENTS_MEASUREMENT,
        tags: { ...seriesTags(origin), device_id: event.device_id, type: event.type },
        fields: {
          id: event.id,
          subject_kind: event.subject.kind,
          subject_id: event.subject.id,
          attributes: JSON.stringify(event.attributes),
        },
        timestamp: fromWireTime(event.event_time),
      })),
    );
  }

  async writeReadings(origin: BatchOrigin, readings: readonly ReadingItem[]): Promise<void> {
    if (readings.length === 0) return;
    await this.write(
      readings.map((reading) => ({
        measurement: READINGS_MEASUREMENT,
        tags: { ...seriesTags(origin), device_id: reading.device_id, point: reading.point },
        // A number without an "i" suffix is a float in line protocol, so `value` keeps one type.
        fields: { id: reading.id, value: reading.value, unit: reading.unit },
        timestamp: fromWireTime(reading.event_time),
      })),
    );
  }

  async queryEvents(query: EventQuery): Promise<StoredEvent[]> {
    const rows = await this.select<EventRow>(EVENTS_MEASUREMENT, query, {
      gateway_id: query.gatewayId,
      device_id: query.deviceId,
      type: query.type,
    });
    return rows.map((row) => ({
      id: row.id,
      gateway_id: row.gateway_id,
      estate_id: row.estate_id,
      device_id: row.device_id,
      subject: { kind: row.subject_kind as SubjectKind, id: row.subject_id },
      type: row.type as EventType,
      event_time: toWireTime(row.time.getTime()),
      attributes: JSON.parse(row.attributes) as EventAttributes,
    }));
  }

  async queryReadings(query: ReadingQuery): Promise<StoredReading[]> {
    const rows = await this.select<ReadingRow>(READINGS_MEASUREMENT, query, {
      gateway_id: query.gatewayId,
      device_id: query.deviceId,
      point: query.point,
    });
    return rows.map((row) => ({
      id: row.id,
      gateway_id: row.gateway_id,
      estate_id: row.estate_id,
      device_id: row.device_id,
      point: row.point,
      value: row.value,
      unit: row.unit as Unit,
      event_time: toWireTime(row.time.getTime()),
    }));
  }

  async ping(): Promise<boolean> {
    try {
      const hosts = await this.influx.ping(this.options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS);
      return hosts.some((host) => host.online);
    } catch {
      return false;
    }
  }

  /** The client keeps no open connection beyond HTTP keep-alive; nothing to release. */
  async close(): Promise<void> {}

  private async write(points: IPoint[]): Promise<void> {
    try {
      await this.influx.writePoints(points, {
        database: this.options.database,
        retentionPolicy: this.options.retentionPolicy,
        precision: 'ms',
      });
    } catch (error) {
      throw refusedData(error) ?? error;
    }
  }

  /** SELECT * over [from, to) with tag equality filters, oldest first; ties ordered by item id (code units, as the SQL store's COLLATE "C"). */
  private async select<R extends { time: Date; id: string }>(
    measurement: string,
    range: TimeRange & { limit?: number },
    tagFilters: Record<string, string | undefined>,
  ): Promise<R[]> {
    const conditions = [`time >= ${timeLiteral(range.from)}`, `time < ${timeLiteral(range.to)}`];
    for (const [tag, value] of Object.entries(tagFilters)) {
      if (value !== undefined) conditions.push(`${quoteIdentifier(tag)} = ${quoteString(value)}`);
    }
    const from = qualifiedMeasurement(measurement, this.options.database, this.options.retentionPolicy);
    const influxql = `SELECT * FROM ${from} WHERE ${conditions.join(' AND ')} ORDER BY time ASC LIMIT ${queryLimit(range.limit)}`;
    const rows = await this.influx.query<R>(influxql, { database: this.options.database, precision: 'ms' });
    return [...rows].sort((a, b) => a.time.getTime() - b.time.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function seriesTags(origin: BatchOrigin): Record<string, string> {
  return { gateway_id: origin.gatewayId, estate_id: origin.estateId };
}

/**
 * InfluxDB 1.x answers 400 to a /write it will never take (its HTTP API docs, "/write" status
 * codes): "unable to parse" (line protocol it cannot read) and "partial write" (points it dropped:
 * a field type conflict, a time beyond the retention policy), the other points of the request being
 * written. A partial write for a series or tag-value limit ("max-series-per-database limit
 * exceeded") is the store being full, not the data being wrong, so it is not refused here. The
 * error names the reason only: InfluxDB quotes the whole point, and event fields carry what a door
 * controller reported.
 */
const REFUSED_WRITE = /^(partial write|unable to parse)/;

function refusedData(error: unknown): TelemetryDataRefused | null {
  if (!(error instanceof RequestError) || error.res.statusCode !== 400) return null;
  const body = error.message.slice(error.message.indexOf('{'));
  let reason: string;
  try {
    reason = String((JSON.parse(body) as { error?: unknown }).error ?? '');
  } catch {
    return null;
  }
  if (!REFUSED_WRITE.test(reason) || /limit exceeded/.test(reason)) return null;
  return new TelemetryDataRefused(`InfluxDB refused the write (400): ${reason.replace(/'[^']*'/g, "'…'")}`, { cause: error });
}
