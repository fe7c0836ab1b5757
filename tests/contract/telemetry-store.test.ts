import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../cloud/db/open-database.js';
import { InfluxTelemetryStore } from '../../cloud/telemetry/influx-telemetry-store.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { createTestInfluxDatabase } from '../support/influxdb.js';
import { createTestPostgresDatabase } from '../support/postgres.js';
import { describeTelemetryStoreContract } from './telemetry-store.contract.js';

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
