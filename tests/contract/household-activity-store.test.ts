import { openDatabase } from '../../cloud/db/open-database.js';
import { InfluxTelemetryStore } from '../../cloud/telemetry/influx-telemetry-store.js';
import { InfluxV2TelemetryStore } from '../../cloud/telemetry/influx-v2-telemetry-store.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { createTestInfluxDatabase } from '../support/influxdb.js';
import { createTestPostgresDatabase } from '../support/postgres.js';
import { InfluxV2Receiver } from '../telemetry-v2/influx-v2-receiver.js';
import { describeHouseholdActivityStoreContract } from './household-activity-store.contract.js';

describeHouseholdActivityStoreContract('SQL on PostgreSQL', async () => {
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

describeHouseholdActivityStoreContract('SQL on PGlite (in memory)', async () => {
  const db = await openDatabase({ pglite_dir: null });
  return { store: new SqlTelemetryStore(db), cleanup: () => db.close() };
});

describeHouseholdActivityStoreContract('InfluxDB v1 API', async () => {
  const influx = await createTestInfluxDatabase();
  return { store: new InfluxTelemetryStore({ url: influx.url, database: influx.database }), cleanup: () => influx.drop() };
});

/** Writes and deletes through the v2 APIs, checked by a receiver that stores in the real InfluxDB 1.x (tests/telemetry-v2/influx-v2-receiver.ts). */
describeHouseholdActivityStoreContract('InfluxDB v2 write and delete APIs (receiver in front of InfluxDB 1.x)', async () => {
  const influx = await createTestInfluxDatabase();
  const receiver = await InfluxV2Receiver.start({ token: 'activity-token', org: 'estatecare', bucket: influx.database, backendUrl: influx.url });
  return {
    store: new InfluxV2TelemetryStore({ url: receiver.url, token: 'activity-token', org: 'estatecare', bucket: influx.database }),
    cleanup: async () => {
      const violations = [...receiver.violations];
      await receiver.stop();
      await influx.drop();
      if (violations.length > 0) throw new Error(`the v2 APIs were misused: ${violations.join('; ')}`);
    },
  };
});
