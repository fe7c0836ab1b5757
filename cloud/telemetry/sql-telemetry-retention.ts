import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, integer, timestampParam } from '../db/sql-values.js';
import type { RetentionCutoffs } from './retention-settings.js';
import type { HourlyQuery, HourlyReading, RetentionOutcome, TelemetryRetention } from './telemetry-retention.js';

interface HourlyRow {
  gateway_id: string;
  estate_id: string;
  device_id: string;
  point: string;
  unit: string;
  hour: Date;
  count: string | number;
  sum: number;
  min: number;
  max: number;
  last: number;
}

/** Hours are UTC hours: date_bin against a UTC origin, never date_trunc, which follows the session's zone. */
const UTC_HOURS = `date_bin('1 hour', event_time, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

/**
 * Retention on the SQL store, inside the nightly run's transaction: every raw reading before the
 * cutoff is folded into readings_hourly (an hour already there is merged: counts and sums add, min
 * and max widen, the later last wins), then deleted; so each reading is counted in its hour exactly
 * once, and a run that fails leaves both tables as they were.
 */
export class SqlTelemetryRetention implements TelemetryRetention {
  readonly describe = 'sql';

  constructor(private readonly db: SqlExecutor) {}

  /** readings_hourly belongs to the schema migrations (009-telemetry-retention). */
  async prepare(): Promise<void> {}

  async apply(cutoffs: RetentionCutoffs, tx: SqlExecutor): Promise<RetentionOutcome> {
    const readingsBefore = timestampParam(cutoffs.readingsBefore);
    const written = await tx.query(
      `INSERT INTO readings_hourly AS h (gateway_id, estate_id, device_id, point, hour, unit, count, sum, min, max, last, last_time)
       SELECT gateway_id, (array_agg(estate_id ORDER BY event_time DESC))[1], device_id, point, ${UTC_HOURS} AS hour,
              (array_agg(unit ORDER BY event_time DESC))[1], count(*), sum(value), min(value), max(value),
              (array_agg(value ORDER BY event_time DESC))[1], max(event_time)
       FROM readings WHERE event_time < $1::timestamptz
       GROUP BY gateway_id, device_id, point, hour
       ON CONFLICT (gateway_id, device_id, point, hour) DO UPDATE SET
         count = h.count + EXCLUDED.count,
         sum = h.sum + EXCLUDED.sum,
         min = LEAST(h.min, EXCLUDED.min),
         max = GREATEST(h.max, EXCLUDED.max),
         last = CASE WHEN EXCLUDED.last_time >= h.last_time THEN EXCLUDED.last ELSE h.last END,
         unit = CASE WHEN EXCLUDED.last_time >= h.last_time THEN EXCLUDED.unit ELSE h.unit END,
         last_time = GREATEST(h.last_time, EXCLUDED.last_time)`,
      [readingsBefore],
    );
    const readings = await tx.query('DELETE FROM readings WHERE event_time < $1::timestamptz', [readingsBefore]);
    const events = await tx.query('DELETE FROM events WHERE event_time < $1::timestamptz', [timestampParam(cutoffs.eventsBefore)]);
    const hours = await tx.query('DELETE FROM readings_hourly WHERE hour < $1::timestamptz', [timestampParam(cutoffs.hourlyBefore)]);
    return { hoursWritten: written.rowCount, readingsDeleted: readings.rowCount, eventsDeleted: events.rowCount, hoursDeleted: hours.rowCount };
  }

  async hourlyReadings(query: HourlyQuery): Promise<HourlyReading[]> {
    const { rows } = await this.db.query<HourlyRow>(
      `SELECT gateway_id, estate_id, device_id, point, unit, hour, count, sum, min, max, last FROM readings_hourly
       WHERE estate_id = $1 AND gateway_id = $2 AND hour >= $3::timestamptz AND hour < $4::timestamptz
       ORDER BY device_id COLLATE "C", point COLLATE "C", hour`,
      [query.estateId, query.gatewayId, timestampParam(query.from), timestampParam(query.to)],
    );
    return rows.map((row) => {
      const count = integer(row.count);
      return {
        gatewayId: row.gateway_id,
        estateId: row.estate_id,
        deviceId: row.device_id,
        point: row.point,
        unit: row.unit,
        hour: epochMs(row.hour),
        count,
        mean: row.sum / count,
        min: row.min,
        max: row.max,
        last: row.last,
      };
    });
  }
}
