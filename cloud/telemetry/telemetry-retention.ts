import type { SqlExecutor } from '../db/sql-database.js';
import type { RetentionCutoffs, RetentionSettings } from './retention-settings.js';

/** One hour of one series in the hourly tier. */
export interface HourlyReading {
  gatewayId: string;
  estateId: string;
  deviceId: string;
  point: string;
  unit: string;
  /** Start of the hour, epoch ms (UTC hours). */
  hour: number;
  count: number;
  mean: number;
  min: number;
  max: number;
  last: number;
}

export interface HourlyQuery {
  estateId: string;
  gatewayId: string;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
}

/** What one run did; null where the backend does not count (InfluxDB's DELETE answers no count). */
export interface RetentionOutcome {
  hoursWritten: number | null;
  readingsDeleted: number | null;
  eventsDeleted: number | null;
  hoursDeleted: number | null;
}

/**
 * How a telemetry backend keeps readings and events for their time and no longer: raw readings are
 * aggregated to hours before they go, then deleted; events deleted; hours deleted after theirs.
 * The nightly job (retention-job.ts) calls apply() with the cutoffs of its clock, so a test moves a
 * ManualClock and sees exactly what goes.
 */
export interface TelemetryRetention {
  /** Where it is done, for the log and the README: "sql", "influxdb", "influxdb2 (the bucket's own retention)". */
  readonly describe: string;
  /** Creates what the backend needs once (InfluxDB 1.x retention policies); safe to call again. */
  prepare(settings: RetentionSettings): Promise<void>;
  /**
   * Aggregates and deletes per the cutoffs. On the SQL store in `tx`, the transaction that claimed
   * the run, so the run and its claim commit together; other backends ignore it.
   */
  apply(cutoffs: RetentionCutoffs, tx: SqlExecutor): Promise<RetentionOutcome>;
  /** The hourly tier, ordered by device, point and hour. */
  hourlyReadings(query: HourlyQuery): Promise<HourlyReading[]>;
}

/**
 * A further store of time series pruned by the nightly run: the household activity aggregates plug
 * in here, with their own rule (the consent's terms), and the closed tickets. Runs inside the run's
 * transaction after the telemetry, and returns how many rows it deleted (null: not counted).
 */
export interface RetentionTask {
  readonly name: string;
  apply(now: number, tx: SqlExecutor): Promise<number | null>;
}
