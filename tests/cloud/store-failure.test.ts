import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeDataError, storeRefusesData, storeUnavailable } from '../../cloud/ingest/store-failure.js';
import { InfluxTelemetryStore } from '../../cloud/telemetry/influx-telemetry-store.js';
import { TelemetryDataRefused } from '../../cloud/telemetry/telemetry-store.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { createTestInfluxDatabase, type TestInfluxDatabase } from '../support/influxdb.js';
import { eventItem, uniqueSlug } from '../support/wire-fixtures.js';
import { eventually } from '../support/net.js';

const withCode = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('telling a store that cannot write from a message it refuses', () => {
  it('holds on SQLSTATEs of an unavailable store: read-only standby, disk full, shutdown, lost connection, deadlock', () => {
    for (const code of ['25006', '53100', '53300', '57P01', '57P03', '08006', '08001', '40001', '40P01', '55P03', '58030']) {
      expect(storeUnavailable(withCode(code)), code).toBe(true);
    }
  });

  it('holds on socket errors, pg connection loss and the influx client having no host', () => {
    expect(storeUnavailable(withCode('ECONNREFUSED'))).toBe(true);
    expect(storeUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(storeUnavailable(new Error('No host available'))).toBe(true);
    class ServiceNotAvailableError extends Error {}
    expect(storeUnavailable(new ServiceNotAvailableError('Service Unavailable'))).toBe(true);
  });

  it('does not hold on data errors or anything unknown', () => {
    expect(storeUnavailable(withCode('22003', 'numeric value out of range'))).toBe(false);
    expect(storeUnavailable(withCode('23502', 'null value in column'))).toBe(false);
    expect(storeUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(storeUnavailable('a string')).toBe(false);
  });
});

describe('telling data a store refuses for good, on the real stores', () => {
  let postgres: TestPostgresDatabase;
  let sql: pg.Client;
  let influx: TestInfluxDatabase;

  beforeAll(async () => {
    [postgres, influx] = await Promise.all([createTestPostgresDatabase(), createTestInfluxDatabase()]);
    sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await Promise.allSettled([postgres?.drop(), influx?.drop()]);
  });

  /** The error PostgreSQL raises for the statement. */
  async function pgError(text: string, params: unknown[] = []): Promise<unknown> {
    try {
      await sql.query(text, params);
    } catch (error) {
      return error;
    }
    throw new Error(`PostgreSQL took ${text}`);
  }

  it('refuses for good what PostgreSQL answers with SQLSTATE class 22, and logs only the SQLSTATE', async () => {
    const cases: Array<[string, string, unknown[]]> = [
      ['22021', 'SELECT $1::text', ['reader 3\u0000']],
      ['22P05', 'SELECT $1::jsonb', ['{"credential_ref": "12\\u00003"}']],
      ['22003', 'SELECT $1::integer', [2 ** 31]],
      ['22P02', 'SELECT $1::integer', ['secret-value']],
    ];
    for (const [code, text, params] of cases) {
      const error = await pgError(text, params);
      expect((error as { code?: string }).code, text).toBe(code);
      expect(storeRefusesData(error), code).toBe(true);
      expect(storeUnavailable(error), code).toBe(false);
      expect(describeDataError(error)).toBe(`SQLSTATE ${code}`);
    }
    expect(storeRefusesData(await pgError('SELECT * FROM no_such_table'))).toBe(false); // 42P01: our bug, not the data's
    expect(storeRefusesData(withCode('53100'))).toBe(false);
  });

  it("turns InfluxDB's 400 to a write it will never take into TelemetryDataRefused, and writes the good points beside it", async () => {
    const store = new InfluxTelemetryStore({ url: influx.url, database: influx.database });
    const origin = { gatewayId: uniqueSlug('gw'), estateId: 'estate-1', receivedAt: Date.now() };
    const conflictAt = Date.UTC(2026, 9, 1);
    // "attributes" is a string field of events; a float already in that shard makes it a field type conflict.
    const line = `events,gateway_id=${origin.gatewayId},estate_id=estate-1,device_id=door-1,type=door_opened attributes=1 ${conflictAt}`;
    const response = await fetch(new URL(`/write?db=${influx.database}&precision=ms`, influx.url), { method: 'POST', body: line });
    expect(response.status).toBe(204);

    const goodAt = Date.UTC(2026, 10, 24);
    const good = eventItem({ at: goodAt });
    const refused = await store.writeEvents(origin, [good, eventItem({ at: conflictAt, attributes: { credential_ref: 'do-not-log-me' } })]).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(TelemetryDataRefused);
    expect(storeRefusesData(refused)).toBe(true);
    expect(describeDataError(refused)).toMatch(/^InfluxDB refused the write \(400\): partial write: field type conflict/);
    expect(describeDataError(refused)).not.toContain('do-not-log-me');
    // Field types are kept per shard, so the good point lies in another shard group. InfluxDB 1.x
    // writes each shard group on its own and answers at the first error: the other group's point may
    // be stored just after the answer, so the test waits for it.
    const stored = await eventually('the good point beside the refused one', async () => {
      const events = await store.queryEvents({ from: goodAt, to: goodAt + 1, gatewayId: origin.gatewayId });
      return events.length > 0 && events;
    });
    expect(stored.map((event) => event.id)).toEqual([good.id]);
  });
});
