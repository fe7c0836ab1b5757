import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../cloud/db/migrate.js';
import { MIGRATIONS } from '../../cloud/db/migrations/index.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { BASE_TIME, readingItem } from '../support/wire-fixtures.js';

const KEY_MIGRATION = '012-readings-series-key';
const WITHOUT_ID_MIGRATION = '013-readings-without-item-id';
const BEFORE_KEY = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.id === KEY_MIGRATION));
const UP_TO_KEY = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.id === KEY_MIGRATION) + 1);

/**
 * Readings keyed by series and time (cloud/db/migrations/012-readings-series-key.ts), on a database
 * that held rows keyed by item id, and then kept without it (013-readings-without-item-id.ts).
 */
describe('readings keyed by series and time, on an upgraded database', () => {
  let database: TestPostgresDatabase;
  let db: SqlDatabase;

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    db = await openDatabase({ url: database.url });
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  const insert = (id: string, deviceId: string, point: string, at: number, value: number) =>
    db.query(
      `INSERT INTO readings (gateway_id, id, estate_id, device_id, point, value, unit, event_time, received_at)
       VALUES ('gw-1', $1, 'estate-1', $2, $3, $4, 'kWh', $5, $5)`,
      [id, deviceId, point, value, new Date(at)],
    );

  it('keeps one row of a series and time written under two item ids, then refuses a second one', async () => {
    await migrate(db, undefined, BEFORE_KEY);
    await insert('id-b', 'meter-1', 'energy_total', BASE_TIME, 2);
    await insert('id-a', 'meter-1', 'energy_total', BASE_TIME, 1);
    await insert('id-c', 'meter-1', 'power', BASE_TIME, 3);
    await insert('id-d', 'meter-2', 'energy_total', BASE_TIME, 4);
    await insert('id-e', 'meter-1', 'energy_total', BASE_TIME + 1, 5);

    expect(await migrate(db, undefined, UP_TO_KEY)).toEqual([KEY_MIGRATION]);
    const ids = (await db.query<{ id: string }>('SELECT id FROM readings ORDER BY id')).rows.map((row) => row.id);
    expect(ids).toEqual(['id-a', 'id-c', 'id-d', 'id-e']);

    // Without the item id, every row stays, known by its series and time.
    expect(await migrate(db)).toEqual([WITHOUT_ID_MIGRATION]);
    const columns = await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'readings' AND column_name = 'id'");
    expect(columns.rows).toEqual([]);
    const rows = async () =>
      (await db.query<{ device_id: string; point: string; value: number }>('SELECT device_id, point, value FROM readings ORDER BY value')).rows.map(
        (row) => `${row.device_id} ${row.point} ${row.value}`,
      );
    expect(await rows()).toEqual(['meter-1 energy_total 1', 'meter-1 power 3', 'meter-2 energy_total 4', 'meter-1 energy_total 5']);

    // A redelivery under a new id, and the same reading twice in one batch: one row each.
    const store = new SqlTelemetryStore(db);
    const origin = { gatewayId: 'gw-1', estateId: 'estate-1', receivedAt: BASE_TIME };
    const again = readingItem({ id: 'id-f-redelivered', device_id: 'meter-1', point: 'energy_total', at: BASE_TIME, value: 9 });
    const fresh = readingItem({ id: 'id-g-fresh', device_id: 'meter-3', point: 'energy_total', at: BASE_TIME, value: 7 });
    await store.writeReadings(origin, [again, fresh, fresh]);
    expect(await rows()).toEqual(['meter-1 energy_total 1', 'meter-1 power 3', 'meter-2 energy_total 4', 'meter-1 energy_total 5', 'meter-3 energy_total 7']);
    const found = await store.queryReadings({ from: BASE_TIME, to: BASE_TIME + 1, gatewayId: 'gw-1', deviceId: 'meter-1', point: 'energy_total' });
    expect(found.map((r) => r.value)).toEqual([1]);
  });
});
