import { InfluxDB } from 'influx';
// The client raises RequestError for a 3xx/4xx answer; its package index does not export the class, nor the Pool.
import { Pool, RequestError } from 'influx/lib/src/pool.js';
import type { HouseholdActivityItem, ReadingItem } from '../../shared/contract/index.js';
import type { HouseholdActivityQuery, HouseholdKeyOfActivity, StoredHouseholdActivity } from './household-activity-store.js';
import {
  HOUSEHOLD_ACTIVITY_MEASUREMENT,
  householdActivityFromRow,
  householdActivityPoint,
  householdActivitySelect,
  householdActivityWhere,
  type HouseholdActivityRow,
} from './influx-household-activity.js';
import {
  EVENTS_MEASUREMENT,
  READINGS_MEASUREMENT,
  eventFromRow,
  inEventTimeOrder,
  inReadingOrder,
  isRefusedWriteReason,
  readingFromRow,
  redactedReason,
  selectStatement,
  type EventRow,
  type ReadingRow,
  type SeriesPoint,
} from './influx-series-layout.js';
import { InfluxPointWrites } from './influx-point-writes.js';
import { v1LineProtocol } from './influx-v1-line-protocol.js';
import { v1ReadingLines } from './influx-v1-reading-lines.js';
import {
  TelemetryDataRefused,
  type BatchOrigin,
  type EventQuery,
  type OriginItems,
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

export const DEFAULT_PING_TIMEOUT_MS = 2_000;

/**
 * Telemetry in InfluxDB through the v1 API (line protocol to /write, InfluxQL to /query): InfluxDB
 * 1.x, or 2.x and 3.x through their v1 compatibility API. The series layout, and why writes are
 * idempotent, is in influx-series-layout.ts.
 */
export class InfluxTelemetryStore extends InfluxPointWrites implements TelemetryStore {
  readonly backend = 'influxdb' as const;
  private readonly influx: InfluxDB;
  /**
   * The writes' requests: node-influx's Pool, as its writePoints uses (the same retries, backoff and
   * errors: RequestError, ServiceNotAvailableError, "No host available"), given the line protocol
   * built by influx-v1-line-protocol.ts.
   */
  private readonly writes = new Pool({});

  constructor(private readonly options: InfluxTelemetryOptions) {
    super();
    const url = new URL(options.url);
    const host = {
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      protocol: url.protocol === 'https:' ? ('https' as const) : ('http' as const),
      path: url.pathname.replace(/\/$/, ''),
    };
    this.influx = new InfluxDB({ hosts: [host], database: options.database, username: options.username, password: options.password });
    // As node-influx adds a host (InfluxDB constructor).
    this.writes.addHost(`${host.protocol}://${host.host}:${host.port}${host.path}`);
  }

  /** CREATE DATABASE is idempotent in InfluxQL: it succeeds when the database exists. */
  async init(): Promise<void> {
    await this.influx.createDatabase(this.options.database);
  }

  async queryEvents(query: EventQuery): Promise<StoredEvent[]> {
    const rows = await this.select<EventRow>(EVENTS_MEASUREMENT, query, {
      gateway_id: query.gatewayId,
      device_id: query.deviceId,
      type: query.type,
    });
    return inEventTimeOrder(rows).map(eventFromRow);
  }

  async queryReadings(query: ReadingQuery): Promise<StoredReading[]> {
    const rows = await this.select<ReadingRow>(READINGS_MEASUREMENT, query, {
      gateway_id: query.gatewayId,
      device_id: query.deviceId,
      point: query.point,
    });
    return inReadingOrder(rows).map(readingFromRow);
  }

  // ---- Household activity aggregates (begin): influx-household-activity.ts ----
  async writeHouseholdActivity(origin: BatchOrigin, items: readonly HouseholdActivityItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.write(items.map((item) => householdActivityPoint(origin, item)));
  }

  async queryHouseholdActivity(query: HouseholdActivityQuery): Promise<StoredHouseholdActivity[]> {
    const rows = await this.influx.query<Omit<HouseholdActivityRow, 'time'> & { time: Date }>(householdActivitySelect(this.options, query), { database: this.options.database, precision: 'ms' });
    return rows.map((row) => householdActivityFromRow({ ...row, time: row.time.getTime() }));
  }

  /** DROP SERIES: every point of the household's series, in every retention policy of the database. */
  async deleteHouseholdActivity(household: HouseholdKeyOfActivity): Promise<void> {
    await this.influx.dropSeries({ measurement: HOUSEHOLD_ACTIVITY_MEASUREMENT, where: householdActivityWhere(household), database: this.options.database });
  }
  // ---- Household activity aggregates (end) ----

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

  /** Readings go straight to their lines (influx-v1-reading-lines.ts), without points. */
  override async writeReadingGroups(groups: readonly OriginItems<ReadingItem>[]): Promise<void> {
    if (groups.every((group) => group.items.length === 0)) return;
    await this.send(v1ReadingLines(groups));
  }

  protected async write(points: SeriesPoint[]): Promise<void> {
    await this.send(v1LineProtocol(points));
  }

  private async send(body: Buffer): Promise<void> {
    try {
      await this.writes.discard({
        method: 'POST',
        path: '/write',
        query: { db: this.options.database, precision: 'ms', rp: this.options.retentionPolicy },
        // Typed as a string, but the pool takes a Buffer as well: it measures the body with
        // Buffer.from(body).length and sends it with req.write(body) (influx/lib/src/pool.js, stream).
        body: body as unknown as string,
        auth: this.options.username === undefined ? undefined : `${this.options.username}:${this.options.password ?? ''}`,
      });
    } catch (error) {
      throw refusedData(error) ?? error;
    }
  }

  private async select<R extends { time: number }>(
    measurement: string,
    range: TimeRange & { limit?: number },
    tagFilters: Record<string, string | undefined>,
  ): Promise<R[]> {
    const influxql = selectStatement(measurement, this.options, range, tagFilters);
    const rows = await this.influx.query<Omit<R, 'time'> & { time: Date }>(influxql, { database: this.options.database, precision: 'ms' });
    return rows.map((row) => ({ ...row, time: row.time.getTime() }) as unknown as R);
  }
}

/** InfluxDB 1.x's 400 to a /write it will never take (influx-series-layout.ts isRefusedWriteReason). */
function refusedData(error: unknown): TelemetryDataRefused | null {
  if (!(error instanceof RequestError) || error.res.statusCode !== 400) return null;
  const body = error.message.slice(error.message.indexOf('{'));
  let reason: string;
  try {
    reason = String((JSON.parse(body) as { error?: unknown }).error ?? '');
  } catch {
    return null;
  }
  if (!isRefusedWriteReason(reason)) return null;
  return new TelemetryDataRefused(`InfluxDB refused the write (400): ${redactedReason(reason)}`, { cause: error });
}
