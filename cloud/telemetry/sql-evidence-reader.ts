import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { epochMs, epochMsOrNull, integer, timestampParam } from '../db/sql-values.js';
import type { DeviceNewestData, NewestDataQuery, ReadingBucket, ReadingBucketQuery, TelemetryEvidenceReader } from './telemetry-evidence-reader.js';

interface BucketRow {
  device_id: string;
  point: string;
  unit: string;
  start: Date;
  count: string | number;
  mean: number;
  min: number;
  max: number;
  last: number;
}

/**
 * The newest reading or event time of each device ($3) of one gateway ($1, estate $2) since $4, in
 * the order asked. Exported so a test can read the plan PostgreSQL makes of it.
 */
export const NEWEST_DATA_SQL = `SELECT d.device_id, GREATEST(
    (SELECT max(event_time) FROM readings r WHERE r.device_id = d.device_id AND r.gateway_id = $1 AND r.estate_id = $2 AND r.event_time >= $4::timestamptz),
    (SELECT max(event_time) FROM events e WHERE e.device_id = d.device_id AND e.gateway_id = $1 AND e.estate_id = $2 AND e.event_time >= $4::timestamptz)
  ) AS newest
  FROM unnest($3::text[]) WITH ORDINALITY AS d (device_id, n) ORDER BY d.n`;

/**
 * Evidence reads on the SQL store. Buckets are date_bin(width, event_time, from) (PostgreSQL 14+),
 * so they start at from exactly as InfluxQL's GROUP BY time(width, offset) does; the last value is
 * the one with the latest event time (a series holds one reading per time: migration 012).
 */
export class SqlEvidenceReader implements TelemetryEvidenceReader {
  constructor(private readonly db: SqlExecutor) {}

  async readingBuckets(query: ReadingBucketQuery): Promise<ReadingBucket[]> {
    if (query.deviceIds.length === 0 || query.units?.length === 0) return [];
    const params = new SqlParams();
    const from = params.add(timestampParam(query.from));
    const where = [
      `estate_id = ${params.add(query.estateId)}`,
      `gateway_id = ${params.add(query.gatewayId)}`,
      `device_id = ANY(${params.add([...query.deviceIds])}::text[])`,
      `event_time >= ${from}::timestamptz`,
      `event_time < ${params.add(timestampParam(query.to))}::timestamptz`,
    ];
    if (query.units !== undefined) where.push(`unit = ANY(${params.add([...query.units])}::text[])`);
    const width = params.add(`${Math.max(1, Math.floor(query.bucketMs))} milliseconds`);
    const { rows } = await this.db.query<BucketRow>(
      `SELECT device_id, point, date_bin(${width}::interval, event_time, ${from}::timestamptz) AS start,
              count(*) AS count, avg(value) AS mean, min(value) AS min, max(value) AS max,
              (array_agg(value ORDER BY event_time DESC))[1] AS last,
              (array_agg(unit ORDER BY event_time DESC))[1] AS unit
       FROM readings WHERE ${where.join(' AND ')}
       GROUP BY device_id, point, start
       ORDER BY device_id COLLATE "C", point COLLATE "C", start`,
      params.values,
    );
    return rows.map((row) => ({
      deviceId: row.device_id,
      point: row.point,
      unit: row.unit,
      start: epochMs(row.start),
      count: integer(row.count),
      mean: row.mean,
      min: row.min,
      max: row.max,
      last: row.last,
    }));
  }

  /** Two index lookups per device on (gateway_id, device_id, event_time), newest first: no scan of the window. */
  async newestData(query: NewestDataQuery): Promise<DeviceNewestData[]> {
    if (query.deviceIds.length === 0) return [];
    const { rows } = await this.db.query<{ device_id: string; newest: Date | null }>(NEWEST_DATA_SQL, [
      query.gatewayId,
      query.estateId,
      [...query.deviceIds],
      timestampParam(query.since),
    ]);
    return rows.map((row) => ({ deviceId: row.device_id, newestAt: epochMsOrNull(row.newest) }));
  }
}
