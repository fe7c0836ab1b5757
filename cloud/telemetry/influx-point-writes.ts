import type { EventItem, ReadingItem } from '../../shared/contract/index.js';
import { eventPoint, pointsOf, readingPoint, type SeriesPoint } from './influx-series-layout.js';
import type { BatchOrigin, OriginItems } from './telemetry-store.js';

/**
 * The telemetry writes of the InfluxDB stores, the v1 and the v2 API alike: readings and events of
 * one message or of groups of messages become the points of one write (influx-series-layout.ts),
 * and each store sends them its own way.
 */
export abstract class InfluxPointWrites {
  /** One write of the points, through the store's API. */
  protected abstract write(points: SeriesPoint[]): Promise<void>;

  writeEvents(origin: BatchOrigin, events: readonly EventItem[]): Promise<void> {
    return this.writeEventGroups([{ origin, items: events }]);
  }

  writeReadings(origin: BatchOrigin, readings: readonly ReadingItem[]): Promise<void> {
    return this.writeReadingGroups([{ origin, items: readings }]);
  }

  async writeEventGroups(groups: readonly OriginItems<EventItem>[]): Promise<void> {
    const points = pointsOf(groups, eventPoint);
    if (points.length > 0) await this.write(points);
  }

  async writeReadingGroups(groups: readonly OriginItems<ReadingItem>[]): Promise<void> {
    const points = pointsOf(groups, readingPoint);
    if (points.length > 0) await this.write(points);
  }
}
