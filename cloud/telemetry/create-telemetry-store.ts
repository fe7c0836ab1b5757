import type { SqlDatabase } from '../db/sql-database.js';
import { InfluxTelemetryStore } from './influx-telemetry-store.js';
import { InfluxV2TelemetryStore } from './influx-v2-telemetry-store.js';
import { SqlTelemetryStore } from './sql-telemetry-store.js';
import type { TelemetryStore } from './telemetry-store.js';

/** The telemetry part of the cloud config (snake_case, as in the YAML file). */
export type TelemetryConfig =
  | { backend: 'sql' }
  | {
      backend: 'influxdb';
      influxdb: { url: string; database: string; username?: string; password?: string; retention_policy?: string };
    }
  | { backend: 'influxdb2'; influxdb2: { url: string; token: string; org?: string; bucket: string } };

/**
 * The configured store: the cloud's SQL database (embedded default), InfluxDB through the v1 API
 * (1.x, or 2.x/3.x v1 compatibility), or InfluxDB 2.x/3.x through the v2 write API. Call init() next.
 */
export function createTelemetryStore(config: TelemetryConfig, db: SqlDatabase): TelemetryStore {
  if (config.backend === 'sql') return new SqlTelemetryStore(db);
  if (config.backend === 'influxdb2') return new InfluxV2TelemetryStore(config.influxdb2);
  const { url, database, username, password, retention_policy } = config.influxdb;
  return new InfluxTelemetryStore({ url, database, username, password, retentionPolicy: retention_policy });
}
