import type { EventItem, ReadingItem } from '../../shared/contract/index.js';
import type { HouseholdActivityStore } from './household-activity-store.js';

/** Who sent a batch and when the cloud received it; the estate comes from the registry. */
export interface BatchOrigin {
  gatewayId: string;
  estateId: string;
  /** Epoch ms at the cloud. */
  receivedAt: number;
}

/** The items of one message with where they came from: one of the messages a grouped write takes. */
export interface OriginItems<T> {
  origin: BatchOrigin;
  items: readonly T[];
}

export interface StoredEvent extends EventItem {
  gateway_id: string;
  estate_id: string;
}

/**
 * A reading as stores give it back: without its item id. In every store a reading is one value of
 * one series (gateway, device, point) at one event time, and that is what a redelivered reading
 * lands on (InfluxDB's point key; the SQL store's unique key, migration 012-readings-series-key).
 * Nobody reads the id back, and in InfluxDB, a unique string in every point, it cost about 40 % of
 * influxd's CPU per reading (influx-series-layout.ts readingPoint).
 */
export interface StoredReading extends Omit<ReadingItem, 'id'> {
  gateway_id: string;
  estate_id: string;
}

export interface TimeRange {
  /** Inclusive, epoch ms of event time. */
  from: number;
  /** Exclusive, epoch ms of event time. */
  to: number;
}

export interface EventQuery extends TimeRange {
  gatewayId?: string;
  deviceId?: string;
  type?: string;
  limit?: number;
}

export interface ReadingQuery extends TimeRange {
  gatewayId?: string;
  deviceId?: string;
  point?: string;
  limit?: number;
}

/**
 * A write the store refused for the data itself, which it would refuse again however often it is
 * sent (InfluxDB's 400 to /write); ingest refuses those items for good. A store that cannot write
 * now (down, read-only, full) throws its own errors instead.
 */
export class TelemetryDataRefused extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TelemetryDataRefused';
  }
}

/**
 * A write the store could not take now, for a reason that a retry later can cure: the server down
 * or overloaded (5xx, 429, a refused connection), or refusing the cloud's credentials or the
 * bucket (401, 403, 404: an operator fixes the config or the token). Ingest holds the message back
 * until the store takes it, as for a database that is down (cloud/ingest/store-failure.ts).
 */
export class TelemetryStoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TelemetryStoreUnavailable';
  }
}

/**
 * Where events and readings are kept. Writes are idempotent: writing the same item twice (a QoS 1
 * redelivery, an outbox replay) leaves one copy. Queries return items ordered by event time.
 * Household activity aggregates: household-activity-store.ts.
 */
export interface TelemetryStore extends HouseholdActivityStore {
  readonly backend: 'sql' | 'influxdb';
  /** Creates the database, tables or retention policy the store needs; safe to call again. */
  init(): Promise<void>;
  /**
   * Writes resolve once the store holds the items. They throw TelemetryDataRefused when the store
   * refuses the data itself, TelemetryStoreUnavailable (or the driver's own connection errors) when
   * it cannot write now (see above).
   */
  writeEvents(origin: BatchOrigin, events: readonly EventItem[]): Promise<void>;
  writeReadings(origin: BatchOrigin, readings: readonly ReadingItem[]): Promise<void>;
  /**
   * The items of many messages in as few writes as the store allows (one SQL statement, one
   * InfluxDB request per few thousand lines), with the same guarantees: all of them are stored once
   * this resolves, and a refusal of the data refuses the whole write (ingest then writes the
   * messages one by one, cloud/ingest/write-groups.ts).
   */
  writeEventGroups(groups: readonly OriginItems<EventItem>[]): Promise<void>;
  writeReadingGroups(groups: readonly OriginItems<ReadingItem>[]): Promise<void>;
  queryEvents(query: EventQuery): Promise<StoredEvent[]>;
  queryReadings(query: ReadingQuery): Promise<StoredReading[]>;
  /** True when the store answers; used by /healthz and by ingest to pause while it is down. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
