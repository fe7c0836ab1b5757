import type { SqlExecutor } from '../db/sql-database.js';
import { EVENTS_MEASUREMENT, READINGS_MEASUREMENT, UNIT_COLUMNS, unitOf } from './influx-series-layout.js';
import { qualifiedMeasurement, quoteIdentifier, quoteString, timeLiteral } from './influxql.js';
import type { InfluxqlHttpReader } from './influxql-http-reader.js';
import { influxMonthsDuration, type RetentionCutoffs, type RetentionSettings } from './retention-settings.js';
import type { HourlyQuery, HourlyReading, RetentionOutcome, TelemetryRetention } from './telemetry-retention.js';

/** The measurement of the hourly tier, in its own retention policy; a name apart from readings, so a DELETE of one never touches the other. */
export const HOURLY_MEASUREMENT = 'readings_hourly';

/** A row of the hourly tier; its unit as in readings (influx-series-layout.ts readingPoint): a tag, or an earlier version's field. */
interface HourlyRow {
  time: number;
  gateway_id: string;
  estate_id: string;
  device_id: string;
  point: string;
  unit_tag: string | null;
  unit_field: string | null;
  count: number;
  mean: number;
  min: number;
  max: number;
  last: number;
}

export interface InfluxRetentionOptions {
  database: string;
  /** The policy raw data is written to; the database's default when omitted. */
  rawPolicy?: string;
  hourlyPolicy: string;
  /** Set the raw policy's duration to raw_days at prepare() (RetentionSettings.influxdb_manage_raw_policy). */
  manageRawPolicy: boolean;
}

/**
 * Retention on InfluxDB 1.x (and 2.x/3.x through the v1 API where they take these statements).
 * prepare() sets the retention policies: the hourly tier's (hourly_months × 31 days) and, unless
 * left to the operator, the raw one's (raw_days), so InfluxDB drops whole expired shard groups on
 * its own clock even if the cloud stops. The nightly run does what those cannot do exactly and on
 * the cloud's clock: SELECT ... INTO the hourly policy for the hours about to go (GROUP BY *
 * keeps every tag), then DELETE by time (InfluxQL reference, "DELETE": points of every retention
 * policy of the database, the hourly measurement being another name). Re-running a run rewrites
 * the same hourly points: InfluxDB keys a point by series and time.
 */
export class InfluxTelemetryRetention implements TelemetryRetention {
  readonly describe = 'influxdb';

  constructor(
    private readonly influxql: Pick<InfluxqlHttpReader, 'select' | 'execute'>,
    private readonly options: InfluxRetentionOptions,
  ) {}

  async prepare(settings: RetentionSettings): Promise<void> {
    const db = quoteIdentifier(this.options.database);
    await this.ensurePolicy(this.options.hourlyPolicy, influxMonthsDuration(settings.hourly_months));
    if (!this.options.manageRawPolicy) return;
    const raw = this.options.rawPolicy ?? (await this.defaultPolicy());
    await this.influxql.execute(`ALTER RETENTION POLICY ${quoteIdentifier(raw)} ON ${db} DURATION ${settings.raw_days}d`);
  }

  async apply(cutoffs: RetentionCutoffs, _tx: SqlExecutor): Promise<RetentionOutcome> {
    const { database, rawPolicy, hourlyPolicy } = this.options;
    const into = qualifiedMeasurement(HOURLY_MEASUREMENT, database, hourlyPolicy);
    const from = qualifiedMeasurement(READINGS_MEASUREMENT, database, rawPolicy);
    await this.influxql.execute(
      // GROUP BY * carries the unit tag over; points of earlier versions carry the unit as a field instead.
      `SELECT count("value") AS "count", mean("value") AS "mean", min("value") AS "min", max("value") AS "max", last("value") AS "last", last("unit"::field) AS "unit"` +
        ` INTO ${into} FROM ${from} WHERE time >= ${timeLiteral(cutoffs.downsampleFrom)} AND time < ${timeLiteral(cutoffs.readingsBefore)}` +
        ` GROUP BY time(1h), * fill(none)`,
    );
    await this.influxql.execute(`DELETE FROM ${quoteIdentifier(READINGS_MEASUREMENT)} WHERE time < ${timeLiteral(cutoffs.readingsBefore)}`);
    await this.influxql.execute(`DELETE FROM ${quoteIdentifier(EVENTS_MEASUREMENT)} WHERE time < ${timeLiteral(cutoffs.eventsBefore)}`);
    await this.influxql.execute(`DELETE FROM ${quoteIdentifier(HOURLY_MEASUREMENT)} WHERE time < ${timeLiteral(cutoffs.hourlyBefore)}`);
    return { hoursWritten: null, readingsDeleted: null, eventsDeleted: null, hoursDeleted: null };
  }

  async hourlyReadings(query: HourlyQuery): Promise<HourlyReading[]> {
    const rows = await this.influxql.select<HourlyRow>(
      `SELECT "count", "mean", "min", "max", "last", ${UNIT_COLUMNS}, "device_id", "estate_id", "gateway_id", "point"` +
        ` FROM ${qualifiedMeasurement(HOURLY_MEASUREMENT, this.options.database, this.options.hourlyPolicy)}` +
        ` WHERE "estate_id" = ${quoteString(query.estateId)} AND "gateway_id" = ${quoteString(query.gatewayId)}` +
        ` AND time >= ${timeLiteral(query.from)} AND time < ${timeLiteral(query.to)}`,
    );
    const hours = rows
      .map((row) => ({
        gatewayId: row.gateway_id,
        estateId: row.estate_id,
        deviceId: row.device_id,
        point: row.point,
        unit: unitOf(row) ?? '',
        hour: row.time,
        count: row.count,
        mean: row.mean,
        min: row.min,
        max: row.max,
        last: row.last,
        unitTagged: Boolean(row.unit_tag),
      }))
      .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.point < b.point ? -1 : a.point > b.point ? 1 : a.hour - b.hour || Number(a.unitTagged) - Number(b.unitTagged)));
    return mergedHours(hours);
  }

  /** CREATE RETENTION POLICY fails when one of that name exists with other settings; ALTER then. */
  private async ensurePolicy(name: string, duration: string): Promise<void> {
    const target = `${quoteIdentifier(name)} ON ${quoteIdentifier(this.options.database)}`;
    const existing = await this.influxql.select<{ name: string }>(`SHOW RETENTION POLICIES ON ${quoteIdentifier(this.options.database)}`);
    if (existing.some((policy) => policy.name === name)) await this.influxql.execute(`ALTER RETENTION POLICY ${target} DURATION ${duration}`);
    else await this.influxql.execute(`CREATE RETENTION POLICY ${target} DURATION ${duration} REPLICATION 1`);
  }

  private async defaultPolicy(): Promise<string> {
    const policies = await this.influxql.select<{ name: string; default: boolean }>(`SHOW RETENTION POLICIES ON ${quoteIdentifier(this.options.database)}`);
    return policies.find((policy) => policy.default)?.name ?? 'autogen';
  }
}

/**
 * One row per series and hour. The hour in which an earlier version gave way to this one holds
 * points of both layouts, and GROUP BY * folds them into two hourly points, one without the unit tag
 * and one with it: they are one hour of one series, merged as the SQL store merges an hour folded
 * twice (counts add, means weigh by count, min and max widen), its last value and unit the tagged
 * one's, written after the other. Rows come sorted by series and hour, the untagged first.
 */
function mergedHours(hours: ReadonlyArray<HourlyReading & { unitTagged: boolean }>): HourlyReading[] {
  const merged: HourlyReading[] = [];
  for (const { unitTagged: _, ...hour } of hours) {
    const previous = merged[merged.length - 1];
    if (!previous || previous.deviceId !== hour.deviceId || previous.point !== hour.point || previous.hour !== hour.hour) {
      merged.push(hour);
      continue;
    }
    const count = previous.count + hour.count;
    merged[merged.length - 1] = {
      ...hour,
      count,
      mean: (previous.mean * previous.count + hour.mean * hour.count) / count,
      min: Math.min(previous.min, hour.min),
      max: Math.max(previous.max, hour.max),
    };
  }
  return merged;
}

/**
 * InfluxDB 2.x and 3.x written through the v2 API: how long a bucket (2.x) or database (3.x) keeps
 * data is its operator's setting (`influx bucket create --retention`), which a write token cannot
 * change, and neither serves DELETE or SELECT INTO through InfluxQL. So the nightly run does nothing
 * here; the README tells the operator what to set.
 */
export class OperatorBucketRetention implements TelemetryRetention {
  readonly describe = "influxdb2 (the bucket's own retention)";
  async prepare(): Promise<void> {}
  async apply(_cutoffs: RetentionCutoffs, _tx: SqlExecutor): Promise<RetentionOutcome> {
    return { hoursWritten: null, readingsDeleted: null, eventsDeleted: null, hoursDeleted: null };
  }
  async hourlyReadings(): Promise<HourlyReading[]> {
    return [];
  }
}
