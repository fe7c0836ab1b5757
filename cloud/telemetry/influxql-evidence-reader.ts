import { EVENTS_MEASUREMENT, READINGS_MEASUREMENT, type SeriesLocation } from './influx-series-layout.js';
import { qualifiedMeasurement, quoteIdentifier, quoteString, timeLiteral } from './influxql.js';
import type { InfluxqlHttpReader } from './influxql-http-reader.js';
import type { DeviceNewestData, NewestDataQuery, ReadingBucket, ReadingBucketQuery, TelemetryEvidenceReader } from './telemetry-evidence-reader.js';

interface BucketRow {
  time: number;
  device_id: string;
  point: string;
  count: number;
  mean: number;
  min: number;
  max: number;
  last: number;
}

/**
 * Evidence reads in InfluxQL over /query (influxql-http-reader.ts): the same statements on InfluxDB
 * 1.x, 2.x (v1 compatibility) and 3.x. Thinning is the server's: GROUP BY time(width, offset) with
 * the offset putting bucket edges at from + k × width, as the SQL store's date_bin, and fill(none)
 * leaving out empty buckets (InfluxQL reference, "GROUP BY time intervals", advanced syntax).
 */
export class InfluxqlEvidenceReader implements TelemetryEvidenceReader {
  constructor(
    private readonly reader: Pick<InfluxqlHttpReader, 'select'>,
    private readonly location: SeriesLocation,
  ) {}

  /**
   * Two statements: each series' latest unit (seriesUnits), which picks the series of the units
   * asked for; then the buckets of those series, filtered by their point tags, which the series
   * index answers. A series is taken or left by its latest unit.
   */
  async readingBuckets(query: ReadingBucketQuery): Promise<ReadingBucket[]> {
    if (query.deviceIds.length === 0 || query.units?.length === 0) return [];
    const range = [`time >= ${timeLiteral(query.from)}`, `time < ${timeLiteral(query.to)}`];
    const series = await this.seriesUnits([...this.scope(query), ...range].join(' AND '));
    const wanted = series.filter((s) => query.units === undefined || query.units.includes(s.unit));
    if (wanted.length === 0) return [];
    const unitOf = new Map(wanted.map((s) => [`${s.device_id}\u0000${s.point}`, s.unit]));
    const width = Math.max(1, Math.floor(query.bucketMs));
    const offset = ((query.from % width) + width) % width;
    const conditions = [...this.scope(query), ...range];
    if (query.units !== undefined) conditions.push(anyOf('point', [...new Set(wanted.map((s) => s.point))]));
    const rows = await this.reader.select<BucketRow>(
      `SELECT mean("value") AS "mean", min("value") AS "min", max("value") AS "max", last("value") AS "last", count("value") AS "count"` +
        ` FROM ${this.from(READINGS_MEASUREMENT)} WHERE ${conditions.join(' AND ')}` +
        ` GROUP BY time(${width}ms, ${offset}ms), "device_id", "point" fill(none)`,
    );
    return rows
      .filter((row) => unitOf.has(`${row.device_id}\u0000${row.point}`))
      .map((row) => ({
        deviceId: row.device_id,
        point: row.point,
        unit: unitOf.get(`${row.device_id}\u0000${row.point}`)!,
        start: row.time,
        count: row.count,
        mean: row.mean,
        min: row.min,
        max: row.max,
        last: row.last,
      }))
      .sort((a, b) => codeUnitOrder(a.deviceId, b.deviceId) || codeUnitOrder(a.point, b.point) || a.start - b.start);
  }

  /** last() per device on each measurement: InfluxDB answers it from each series' newest point. */
  async newestData(query: NewestDataQuery): Promise<DeviceNewestData[]> {
    if (query.deviceIds.length === 0) return [];
    const where = [...this.scope(query), `time >= ${timeLiteral(query.since)}`].join(' AND ');
    const [readings, events] = await Promise.all([
      this.reader.select<{ time: number; device_id: string }>(`SELECT last("value") FROM ${this.from(READINGS_MEASUREMENT)} WHERE ${where} GROUP BY "device_id"`),
      this.reader.select<{ time: number; device_id: string }>(`SELECT last("id") FROM ${this.from(EVENTS_MEASUREMENT)} WHERE ${where} GROUP BY "device_id"`),
    ]);
    const newest = new Map<string, number>();
    for (const row of [...readings, ...events]) newest.set(row.device_id, Math.max(row.time, newest.get(row.device_id) ?? row.time));
    return query.deviceIds.map((deviceId) => ({ deviceId, newestAt: newest.get(deviceId) ?? null }));
  }

  /**
   * The latest unit of each device's point among the readings `where` picks. The unit is a tag
   * (influx-series-layout.ts readingPoint): last("value") per device, point and unit says when each
   * unit was last seen, answered from each series' newest points. Points written by earlier
   * versions carry it as a field instead and group under an empty unit tag; their unit is then
   * read from the field, once, and only when there are such points.
   */
  private async seriesUnits(where: string): Promise<Array<{ device_id: string; point: string; unit: string }>> {
    const from = this.from(READINGS_MEASUREMENT);
    const groups = await this.reader.select<{ time: number; device_id: string; point: string; unit: string }>(
      `SELECT last("value") FROM ${from} WHERE ${where} GROUP BY "device_id", "point", "unit"`,
    );
    const key = (row: { device_id: string; point: string }): string => `${row.device_id}\u0000${row.point}`;
    const fieldUnits = groups.some((group) => !group.unit)
      ? new Map(
          (await this.reader.select<{ device_id: string; point: string; unit: string | null }>(`SELECT last("unit"::field) AS "unit" FROM ${from} WHERE ${where} GROUP BY "device_id", "point"`)).map((row) => [key(row), row.unit]),
        )
      : undefined;
    const latest = new Map<string, { time: number; device_id: string; point: string; unit: string }>();
    for (const group of groups) {
      const unit = group.unit || fieldUnits?.get(key(group));
      if (!unit) continue;
      const known = latest.get(key(group));
      if (!known || group.time > known.time) latest.set(key(group), { ...group, unit });
    }
    return [...latest.values()];
  }

  private scope(query: { estateId: string; gatewayId: string; deviceIds: readonly string[] }): string[] {
    return [`"estate_id" = ${quoteString(query.estateId)}`, `"gateway_id" = ${quoteString(query.gatewayId)}`, anyOf('device_id', query.deviceIds)];
  }

  private from(measurement: string): string {
    return qualifiedMeasurement(measurement, this.location.database, this.location.retentionPolicy);
  }
}

/** `("tag" = 'a' OR "tag" = 'b')`: InfluxQL has no IN. */
function anyOf(column: string, values: readonly string[]): string {
  return `(${values.map((value) => `${quoteIdentifier(column)} = ${quoteString(value)}`).join(' OR ')})`;
}

/** The SQL store's COLLATE "C" order. */
function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
