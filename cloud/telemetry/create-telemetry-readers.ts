import type { SqlDatabase } from '../db/sql-database.js';
import type { TelemetryConfig } from './create-telemetry-store.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './influx-v2-telemetry-store.js';
import { InfluxTelemetryRetention, OperatorBucketRetention } from './influx-telemetry-retention.js';
import { InfluxqlEvidenceReader } from './influxql-evidence-reader.js';
import { InfluxqlHttpReader } from './influxql-http-reader.js';
import type { RetentionSettings } from './retention-settings.js';
import { SqlEvidenceReader } from './sql-evidence-reader.js';
import { SqlTelemetryRetention } from './sql-telemetry-retention.js';
import type { TelemetryEvidenceReader } from './telemetry-evidence-reader.js';
import type { TelemetryRetention } from './telemetry-retention.js';

/** The reads for people and the retention of the configured telemetry backend (beside its TelemetryStore). */
export interface TelemetryReaders {
  evidence: TelemetryEvidenceReader;
  retention: TelemetryRetention;
}

export function createTelemetryReaders(config: TelemetryConfig, db: SqlDatabase, retention: Pick<RetentionSettings, 'influxdb_hourly_policy' | 'influxdb_manage_raw_policy'>): TelemetryReaders {
  if (config.backend === 'sql') return { evidence: new SqlEvidenceReader(db), retention: new SqlTelemetryRetention(db) };
  if (config.backend === 'influxdb2') {
    const { url, token, bucket } = config.influxdb2;
    const influxql = new InfluxqlHttpReader({ url, token, database: bucket, timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS });
    return { evidence: new InfluxqlEvidenceReader(influxql, { database: bucket }), retention: new OperatorBucketRetention() };
  }
  const { url, database, username, password, retention_policy } = config.influxdb;
  const influxql = new InfluxqlHttpReader({ url, database, timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS, ...(username !== undefined ? { basic: { username, password } } : {}) });
  return {
    evidence: new InfluxqlEvidenceReader(influxql, { database, retentionPolicy: retention_policy }),
    retention: new InfluxTelemetryRetention(influxql, {
      database,
      rawPolicy: retention_policy,
      hourlyPolicy: retention.influxdb_hourly_policy,
      manageRawPolicy: retention.influxdb_manage_raw_policy,
    }),
  };
}
