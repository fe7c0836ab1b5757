import { Point } from '@influxdata/influxdb-client';
import type { SeriesPoint } from './influx-series-layout.js';

/**
 * A point as the v2 write API takes it, built by @influxdata/influxdb-client's Point, which escapes
 * as the line protocol reference says: commas and spaces in the measurement; commas, spaces and
 * equals signs in tag keys, tag values and field keys; double quotes and backslashes in string
 * field values, which go in double quotes. Numbers are written as floats (no "i" suffix), so a field
 * keeps one type whatever the value; the timestamp is in ms, the precision of every write.
 */
export function toV2Point(point: SeriesPoint): Point {
  const built = new Point(point.measurement).timestamp(point.timestamp);
  for (const [key, value] of Object.entries(point.tags)) built.tag(key, value);
  for (const [key, value] of Object.entries(point.fields)) {
    if (typeof value === 'number') built.floatField(key, value);
    else built.stringField(key, value);
  }
  return built;
}
