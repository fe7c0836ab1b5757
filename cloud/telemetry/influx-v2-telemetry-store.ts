import { setTimeout as sleepFor } from 'node:timers/promises';
import { InfluxDB, setLogger, type Point, type WriteApi } from '@influxdata/influxdb-client';
import type { HouseholdActivityItem } from '../../shared/contract/index.js';
import type { HouseholdActivityQuery, HouseholdKeyOfActivity, StoredHouseholdActivity } from './household-activity-store.js';
import { householdActivityDeleteBody, householdActivityFromRow, householdActivityPoint, householdActivitySelect, type HouseholdActivityRow } from './influx-household-activity.js';
import { deleteThroughV2Api } from './influx-v2-delete.js';
import {
  EVENTS_MEASUREMENT,
  READINGS_MEASUREMENT,
  eventFromRow,
  inEventTimeOrder,
  inReadingOrder,
  readingFromRow,
  selectStatement,
  type EventRow,
  type ReadingRow,
  type SeriesPoint,
} from './influx-series-layout.js';
import { InfluxPointWrites } from './influx-point-writes.js';
import { toV2Point } from './influx-v2-line-protocol.js';
import { retryAfterSeconds, worthRetrying, writeFailure } from './influx-v2-write-failure.js';
import { InfluxqlHttpReader, authorization, endpoint } from './influxql-http-reader.js';
import type { BatchOrigin, EventQuery, ReadingQuery, StoredEvent, StoredReading, TelemetryStore, TimeRange } from './telemetry-store.js';

export interface InfluxV2TelemetryOptions {
  /** http(s)://host:port[/path] of InfluxDB 2.x or 3.x. */
  url: string;
  /** An API token that may write (and read) the bucket. */
  token: string;
  /** The organisation (2.x); 3.x ignores it. */
  org?: string;
  /** The bucket (2.x) or database (3.x). */
  bucket: string;
  /** How long one HTTP request may take. */
  timeoutMs?: number;
  pingTimeoutMs?: number;
  /** How the store waits between attempts of a write (tests record the delays instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
}

/** Every write is in ms, the precision of event times, as the v1 store writes: the two see one series layout. */
export const WRITE_PRECISION = 'ms';
/** Lines per request: the batch size InfluxDB's "optimize writes" guide recommends for 2.x and 3.x. */
export const MAX_LINES_PER_REQUEST = 5_000;
/** Bodies above this are sent gzipped (Content-Encoding: gzip), the client's default threshold. */
export const GZIP_THRESHOLD_BYTES = 1_000;
/** Attempts of one request before the failure goes to ingest, which then holds the message back. */
export const WRITE_ATTEMPTS = 3;
export const FIRST_RETRY_DELAY_MS = 500;
/** The longest wait between two attempts; a Retry-After beyond it is left to ingest's own backoff. */
export const MAX_RETRY_DELAY_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_PING_TIMEOUT_MS = 2_000;

// The client logs every failed write to the console with InfluxDB's answer, which quotes the point
// (what a door controller reported). This store reports each failure itself, through the error it
// throws; the client's own lines would only repeat it, unredacted.
setLogger({ error: () => undefined, warn: () => undefined });

/**
 * Telemetry in InfluxDB 2.x or 3.x: writes through the v2 write API (POST /api/v2/write with org,
 * bucket and precision ms, `Authorization: Token`, gzip above GZIP_THRESHOLD_BYTES) by
 * @influxdata/influxdb-client; reads through InfluxQL on the v1-compatible /query endpoint
 * (influxql-http-reader.ts). Same series layout as the v1 store (influx-series-layout.ts).
 *
 * A write resolves only once InfluxDB answered 204 for every request of it. The client's own
 * retries are off: it retries in the background after rejecting the caller (its retry buffer), and
 * this store must not say "stored" or "failed" while a retry is still pending. So each request is
 * attempted up to WRITE_ATTEMPTS times here, waiting Retry-After when InfluxDB gives one (429, 503)
 * or a doubling backoff with jitter otherwise; then the failure goes to ingest, classified by
 * influx-v2-write-failure.ts.
 */
export class InfluxV2TelemetryStore extends InfluxPointWrites implements TelemetryStore {
  readonly backend = 'influxdb' as const;
  private readonly influx: InfluxDB;
  private readonly reader: InfluxqlHttpReader;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: InfluxV2TelemetryOptions) {
    super();
    const timeout = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.influx = new InfluxDB({ url: options.url, token: options.token, timeout });
    this.reader = new InfluxqlHttpReader({ url: options.url, database: options.bucket, token: options.token, timeoutMs: timeout });
    this.sleep = options.sleep ?? ((ms) => sleepFor(ms));
  }

  /**
   * Nothing to create: a 2.x bucket is made by its operator (`influx bucket create`; a write token
   * cannot), a 3.x database at its first write. A 2.x bucket is read through /query by the DBRP
   * mapping 2.x makes for it (database = bucket name, retention policy autogen).
   */
  async init(): Promise<void> {}

  async queryEvents(query: EventQuery): Promise<StoredEvent[]> {
    const rows = await this.select<EventRow>(EVENTS_MEASUREMENT, query, { gateway_id: query.gatewayId, device_id: query.deviceId, type: query.type });
    return inEventTimeOrder(rows).map(eventFromRow);
  }

  async queryReadings(query: ReadingQuery): Promise<StoredReading[]> {
    const rows = await this.select<ReadingRow>(READINGS_MEASUREMENT, query, { gateway_id: query.gatewayId, device_id: query.deviceId, point: query.point });
    return inReadingOrder(rows).map(readingFromRow);
  }

  // ---- Household activity aggregates (begin): influx-household-activity.ts ----
  async writeHouseholdActivity(origin: BatchOrigin, items: readonly HouseholdActivityItem[]): Promise<void> {
    await this.write(items.map((item) => householdActivityPoint(origin, item)));
  }

  async queryHouseholdActivity(query: HouseholdActivityQuery): Promise<StoredHouseholdActivity[]> {
    const rows = await this.reader.select<HouseholdActivityRow>(householdActivitySelect({ database: this.options.bucket }, query));
    return rows.map(householdActivityFromRow);
  }

  /** POST /api/v2/delete (influx-v2-delete.ts); InfluxDB 3.x serves none, and this fails there, saying so. */
  async deleteHouseholdActivity(household: HouseholdKeyOfActivity): Promise<void> {
    await deleteThroughV2Api({ ...this.options, timeoutMs: this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS }, householdActivityDeleteBody(household), 'household activity');
  }
  // ---- Household activity aggregates (end) ----

  /** GET /ping, which 1.x, 2.x and 3.x serve (204 on 1.x and 2.x, 200 on 3.x; 3.x may want the token). */
  async ping(): Promise<boolean> {
    try {
      const response = await fetch(endpoint(this.options.url, 'ping'), {
        headers: authorization(this.options.token),
        signal: AbortSignal.timeout(this.options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS),
      });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Each write closes its own write API; keep-alive sockets close with the process. */
  async close(): Promise<void> {}

  protected async write(points: readonly SeriesPoint[]): Promise<void> {
    const v2Points = points.map(toV2Point);
    for (let start = 0; start < v2Points.length; start += MAX_LINES_PER_REQUEST) {
      await this.writeRequest(v2Points.slice(start, start + MAX_LINES_PER_REQUEST));
    }
  }

  /** One POST of at most MAX_LINES_PER_REQUEST points, attempted up to WRITE_ATTEMPTS times. */
  private async writeRequest(points: readonly Point[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.post(points);
        return;
      } catch (error) {
        const delay = attempt < WRITE_ATTEMPTS && worthRetrying(error) ? retryDelay(attempt, retryAfterSeconds(error)) : null;
        if (delay === null) throw writeFailure(error, this.options);
        await this.sleep(delay);
      }
    }
  }

  /**
   * A write API of its own per request: the client's batch buffer is shared by everything written
   * through one instance, and its flush() sends whatever is buffered, so two writes sharing one
   * could each resolve on the other's request. batchSize above the request's size and no flush
   * interval: the client sends exactly these points, once, when closed.
   */
  private async post(points: readonly Point[]): Promise<void> {
    const writeApi: WriteApi = this.influx.getWriteApi(this.options.org ?? '', this.options.bucket, WRITE_PRECISION, {
      batchSize: points.length + 1,
      flushInterval: 0,
      maxRetries: 0,
      gzipThreshold: GZIP_THRESHOLD_BYTES,
    });
    writeApi.writePoints([...points]);
    await writeApi.close();
  }

  private async select<R extends { time: number }>(
    measurement: string,
    range: TimeRange & { limit?: number },
    tagFilters: Record<string, string | undefined>,
  ): Promise<R[]> {
    const rows = await this.reader.select<R>(selectStatement(measurement, { database: this.options.bucket }, range, tagFilters));
    return rows;
  }
}

/**
 * The wait before attempt `attempt + 1`: the server's Retry-After (0 when none) when it gave one (null when that
 * is longer than MAX_RETRY_DELAY_MS: ingest's backoff waits instead), else FIRST_RETRY_DELAY_MS
 * doubling per attempt, with up to a fifth of jitter so that many writers do not retry in step.
 */
export function retryDelay(attempt: number, retryAfterSeconds: number, random: () => number = Math.random): number | null {
  const retryAfterMs = retryAfterSeconds * 1_000;
  if (retryAfterMs > MAX_RETRY_DELAY_MS) return null;
  if (retryAfterMs > 0) return retryAfterMs;
  const backoff = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(backoff * (1 + random() / 5));
}
