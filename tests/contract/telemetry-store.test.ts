import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../cloud/db/open-database.js';
import { InfluxTelemetryStore } from '../../cloud/telemetry/influx-telemetry-store.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { createTestInfluxDatabase } from '../support/influxdb.js';
import { createTestPostgresDatabase } from '../support/postgres.js';
import { describeTelemetryStoreContract } from './telemetry-store.contract.js';
import { describeTelemetryReadsContract } from './telemetry-reads.contract.js';
import type { SqlExecutor } from '../../cloud/db/sql-database.js';
import { SqlEvidenceReader } from '../../cloud/telemetry/sql-evidence-reader.js';
import { SqlTelemetryRetention } from '../../cloud/telemetry/sql-telemetry-retention.js';
import { InfluxqlHttpReader } from '../../cloud/telemetry/influxql-http-reader.js';
import { InfluxqlEvidenceReader } from '../../cloud/telemetry/influxql-evidence-reader.js';
import { InfluxTelemetryRetention } from '../../cloud/telemetry/influx-telemetry-retention.js';
import { DEFAULT_HOURLY_POLICY } from '../../cloud/telemetry/retention-settings.js';

describeTelemetryStoreContract('SQL on PostgreSQL', async () => {
  const database = await createTestPostgresDatabase();
  const db = await openDatabase({ url: database.url });
  return {
    store: new SqlTelemetryStore(db),
    cleanup: async () => {
      await db.close();
      await database.drop();
    },
  };
});

describeTelemetryStoreContract('SQL on PGlite (in memory)', async () => {
  const db = await openDatabase({ pglite_dir: null });
  return { store: new SqlTelemetryStore(db), cleanup: () => db.close() };
});

describeTelemetryStoreContract('InfluxDB v1 API', async () => {
  const influx = await createTestInfluxDatabase();
  return {
    store: new InfluxTelemetryStore({ url: influx.url, database: influx.database }),
    cleanup: () => influx.drop(),
  };
});

describe('telemetry stores when their service is down', () => {
  it('InfluxDB: ping() is false, not an exception', async () => {
    // Port 9 (discard) has no InfluxDB on it.
    const store = new InfluxTelemetryStore({ url: 'http://127.0.0.1:9', database: 'nowhere', pingTimeoutMs: 500 });
    expect(await store.ping()).toBe(false);
  });

  it('SQL: ping() is false once the database is closed', async () => {
    const db = await openDatabase({ pglite_dir: null });
    const store = new SqlTelemetryStore(db);
    await db.close();
    expect(await store.ping()).toBe(false);
  });
});

// ---- Reads for people and retention (telemetry-reads.contract.ts) ----

/** A transaction-taking function for backends whose retention does not touch SQL: any use of tx fails the test. */
const noSqlTransaction = <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
  fn({ query: () => Promise.reject(new Error('InfluxDB retention must not write to the SQL database')) });

describeTelemetryReadsContract('SQL on PostgreSQL', async () => {
  const database = await createTestPostgresDatabase();
  const db = await openDatabase({ url: database.url });
  return {
    store: new SqlTelemetryStore(db),
    evidence: new SqlEvidenceReader(db),
    retention: new SqlTelemetryRetention(db),
    inTransaction: (fn) => db.transaction(fn),
    cleanup: async () => {
      await db.close();
      await database.drop();
    },
  };
});

describeTelemetryReadsContract('SQL on PGlite (in memory)', async () => {
  const db = await openDatabase({ pglite_dir: null });
  return { store: new SqlTelemetryStore(db), evidence: new SqlEvidenceReader(db), retention: new SqlTelemetryRetention(db), inTransaction: (fn) => db.transaction(fn), cleanup: () => db.close() };
});

describeTelemetryReadsContract('InfluxDB v1 API', async () => {
  const influx = await createTestInfluxDatabase();
  const influxql = new InfluxqlHttpReader({ url: influx.url, database: influx.database, timeoutMs: 10_000 });
  return {
    store: new InfluxTelemetryStore({ url: influx.url, database: influx.database }),
    evidence: new InfluxqlEvidenceReader(influxql, { database: influx.database }),
    retention: new InfluxTelemetryRetention(influxql, { database: influx.database, hourlyPolicy: DEFAULT_HOURLY_POLICY, manageRawPolicy: false }),
    inTransaction: noSqlTransaction,
    cleanup: () => influx.drop(),
  };
});
