import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { RetentionSettingsSchema, retentionCutoffs } from '../../cloud/telemetry/retention-settings.js';
import { SqlTelemetryRetention } from '../../cloud/telemetry/sql-telemetry-retention.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME, readingItem } from '../support/wire-fixtures.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** The SQL store's hourly tier merges an hour aggregated in two runs (a reading that arrived after its hour was folded). */
describe('SQL retention: an hour folded twice', () => {
  let opened: OpenedSqlDatabase;
  const origin = { gatewayId: 'gw-merge', estateId: 'merge-estate', receivedAt: BASE_TIME };
  const settings = RetentionSettingsSchema.parse({ raw_days: 1, hourly_months: 1 });

  beforeAll(async () => {
    opened = await pglite.open();
    const registry = new RegistryRepository(opened.db);
    await registry.upsertEstate({ id: origin.estateId, name: 'Merge' });
    await registry.upsertGateway({ id: origin.gatewayId, estateId: origin.estateId, name: 'gw' });
  }, 120_000);
  afterAll(async () => {
    await opened?.cleanup();
  });

  it('adds counts and sums, widens min and max, and keeps the later last', async () => {
    const store = new SqlTelemetryStore(opened.db);
    const retention = new SqlTelemetryRetention(opened.db);
    const cutoffs = retentionCutoffs(BASE_TIME + DAY + 5 * MINUTE, settings);
    expect(cutoffs.readingsBefore).toBe(BASE_TIME);
    const hour = BASE_TIME - 60 * MINUTE;
    await store.writeReadings(origin, [readingItem({ value: 10, at: hour + 10 * MINUTE }), readingItem({ value: 20, at: hour + 30 * MINUTE })]);
    await opened.db.transaction((tx) => retention.apply(cutoffs, tx));
    // Late: one before the stored last (a new min), one after it (a new max and last).
    await store.writeReadings(origin, [readingItem({ value: 4, at: hour + 20 * MINUTE }), readingItem({ value: 30, at: hour + 50 * MINUTE })]);
    const outcome = await opened.db.transaction((tx) => retention.apply(cutoffs, tx));
    expect(outcome).toMatchObject({ hoursWritten: 1, readingsDeleted: 2 });
    await store.writeReadings(origin, [readingItem({ value: 100, at: hour + 40 * MINUTE })]);
    await opened.db.transaction((tx) => retention.apply(cutoffs, tx));
    const [folded] = await retention.hourlyReadings({ estateId: origin.estateId, gatewayId: origin.gatewayId, from: hour, to: BASE_TIME });
    expect(folded).toMatchObject({ hour, count: 5, mean: (10 + 20 + 4 + 30 + 100) / 5, min: 4, max: 100, last: 30 });
  });
});
