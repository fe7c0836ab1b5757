import type { SqlDatabase } from '../db/sql-database.js';
import { InfluxTelemetryStore } from './influx-telemetry-store.js';
import { SqlTelemetryStore } from './sql-telemetry-store.js';
import type { TelemetryStore } from './telemetry-store.js';

/** The telemetry part of the cloud config (snake_case, as in the YAML file). */
export type TelemetryConfig =
  | { backend: 'sql' }
  | {
      backend: 'influxdb';
      influxdb: { url: string; database: string; username?: string; password?: string; retention_policy?: string };
    };

/** The configured store: the cloud's SQL database (embedded default) or InfluxDB. Call init() next. */
export function createTelemetryStore(config: TelemetryConfig, db: SqlDatabase): TelemetryStore {
  if (config.backend === 'sql') return new SqlTelemetryStore(db);
  const { url, database, username, password, retention_policy } = config.influxdb;
  return new InfluxTelemetryStore({ url, database, username, password, retentionPolicy: retention_policy });
}
