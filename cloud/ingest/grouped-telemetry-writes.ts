import type { EventItem, HouseholdActivityItem, ReadingItem } from '../../shared/contract/index.js';
import type { BatchOrigin, TelemetryStore } from '../telemetry/telemetry-store.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import type { DecodingRoom } from './decoding-turns.js';
import { WriteGroups, type WriteGroupsObserver } from './write-groups.js';

/** What ingest writes telemetry through: the store's per-message write methods. */
export type TelemetryWrites = Pick<TelemetryStore, 'writeEvents' | 'writeReadings' | 'writeHouseholdActivity'>;

/**
 * Items a grouped write takes at most: InfluxDB's recommended batch (5,000 lines, "optimize
 * writes"), and a PostgreSQL INSERT of that many rows over unnest() stays well under a second and
 * a few MiB of parameters. 100 telemetry messages of 50 readings.
 */
export const MAX_ITEMS_PER_WRITE = 5_000;
/**
 * Readings writes under way at once. Two: one is sent while the other's rows are being stored, and
 * the PostgreSQL pool (10 connections, cloud/db/postgres-database.ts) keeps eight for alerts,
 * events, status and the rest of the cloud, so a telemetry backlog never makes an alert wait for a
 * connection.
 */
export const CONCURRENT_READING_WRITES = 2;
/** Events have their own writes, so they never wait behind a readings write. */
export const CONCURRENT_EVENT_WRITES = 1;

/**
 * The telemetry store's per-message writes, grouped across messages (write-groups.ts): readings and
 * events each in their own lane, so events never queue behind a backlog of readings. Household
 * activity (a message per gateway an hour) goes straight to the store.
 */
export class GroupedTelemetryWrites implements TelemetryWrites {
  private readonly readings: WriteGroups<ReadingItem>;
  private readonly events: WriteGroups<EventItem>;

  constructor(
    private readonly store: Pick<TelemetryStore, 'writeEventGroups' | 'writeReadingGroups' | 'writeHouseholdActivity'>,
    metrics: CloudMetrics,
  ) {
    const observer = (lane: 'readings' | 'events'): WriteGroupsObserver => ({
      wrote: (messages) => metrics.messagesPerWrite.observe({ lane }, messages),
      split: () => metrics.groupedWritesSplit.inc({ lane }),
    });
    this.readings = new WriteGroups((groups) => store.writeReadingGroups(groups), { maxItems: MAX_ITEMS_PER_WRITE, maxConcurrentWrites: CONCURRENT_READING_WRITES }, observer('readings'));
    this.events = new WriteGroups((groups) => store.writeEventGroups(groups), { maxItems: MAX_ITEMS_PER_WRITE, maxConcurrentWrites: CONCURRENT_EVENT_WRITES }, observer('events'));
  }

  /** Room to decode more telemetry: the readings writes are not two writes behind (write-groups.ts hasRoom). */
  get readingsRoom(): DecodingRoom {
    return this.readings;
  }

  writeReadings(origin: BatchOrigin, readings: readonly ReadingItem[]): Promise<void> {
    return this.readings.write(origin, readings);
  }

  writeEvents(origin: BatchOrigin, events: readonly EventItem[]): Promise<void> {
    return this.events.write(origin, events);
  }

  writeHouseholdActivity(origin: BatchOrigin, items: readonly HouseholdActivityItem[]): Promise<void> {
    return this.store.writeHouseholdActivity(origin, items);
  }
}
