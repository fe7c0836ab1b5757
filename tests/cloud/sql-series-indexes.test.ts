import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../cloud/db/migrations/index.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { timestampParam } from '../../cloud/db/sql-values.js';
import { NEWEST_DATA_SQL, SqlEvidenceReader } from '../../cloud/telemetry/sql-evidence-reader.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME, eventItem, readingItem } from '../support/wire-fixtures.js';

const postgres = SQL_BACKENDS.find((backend) => backend.name === 'postgres')!;
const ESTATE = 'idx-estate';
const GATEWAYS = 200;
const READINGS_EACH = 30;
const MINUTE = 60_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/**
 * Every fleet has a "meter-1": 200 gateways each with 30 readings of it (and an event, so the
 * query's other half has rows). The readings go in by a plain INSERT: the store's conflict target
 * is the key of migration 012, which the schema before 011 does not have.
 */
async function fillFleet(db: SqlDatabase, schema: 'current' | 'before 011'): Promise<void> {
  const store = new SqlTelemetryStore(db);
  // Before 013 a reading's row held its item id.
  const withItemId = schema === 'before 011';
  for (let g = 0; g < GATEWAYS; g++) {
    const origin = { gatewayId: `gw-idx-${g}`, estateId: ESTATE, receivedAt: BASE_TIME };
    await store.writeEvents(origin, [eventItem({ device_id: 'meter-1', at: BASE_TIME })]);
    for (let i = 0; i < READINGS_EACH; i++) {
      const reading = readingItem({ device_id: 'meter-1', at: BASE_TIME + i * MINUTE });
      const values = [origin.gatewayId, ESTATE, reading.device_id, reading.point, reading.value, reading.unit, timestampParam(BASE_TIME + i * MINUTE)];
      await db.query(
        `INSERT INTO readings (gateway_id, estate_id, device_id, point, value, unit, event_time, received_at${withItemId ? ', id' : ''})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7${withItemId ? ', $8' : ''})`,
        withItemId ? [...values, reading.id] : values,
      );
    }
  }
  await db.query('ANALYZE readings');
  await db.query('ANALYZE events');
}

/** The plan PostgreSQL makes of the fleet page's newest-data query for one gateway's meter-1. */
async function newestDataPlan(db: SqlDatabase): Promise<PlanNode[]> {
  const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${NEWEST_DATA_SQL}`, [
    'gw-idx-7',
    ESTATE,
    ['meter-1'],
    timestampParam(BASE_TIME - 60 * MINUTE),
  ]);
  return nodesOf(rows[0]!['QUERY PLAN'][0].Plan);
}

/** Whether some index scan of `table` is keyed by gateway and device together, and none reads it whole. */
function keyedByGatewayAndDevice(nodes: PlanNode[], table: string): boolean {
  const scans = nodes.filter((node) => node['Relation Name'] === table || node['Index Name']?.startsWith(`${table}_`));
  const sequential = scans.some((node) => node['Node Type'] === 'Seq Scan');
  const keyed = scans.some((node) => (node['Index Cond'] ?? '').includes('gateway_id') && (node['Index Cond'] ?? '').includes('device_id'));
  return keyed && !sequential;
}

describe('SQL store: a device is looked up within its gateway', () => {
  let current: OpenedSqlDatabase;
  let before: OpenedSqlDatabase;

  beforeAll(async () => {
    current = await postgres.open();
    // The schema before 011, to show what the plan check tells apart.
    before = await postgres.open(MIGRATIONS.filter((migration) => migration.id < '011'));
    await Promise.all([fillFleet(current.db, 'current'), fillFleet(before.db, 'before 011')]);
  }, 120_000);
  afterAll(async () => {
    await current?.cleanup();
    await before?.cleanup();
  });

  it('finds one gateway\'s meter-1 through an index led by (gateway_id, device_id, event_time), not through every gateway\'s meter-1', async () => {
    const nodes = await newestDataPlan(current.db);
    expect(keyedByGatewayAndDevice(nodes, 'readings')).toBe(true);
    const newest = await new SqlEvidenceReader(current.db).newestData({
      gatewayId: 'gw-idx-7',
      estateId: ESTATE,
      deviceIds: ['meter-1', 'meter-2'],
      since: BASE_TIME - 60 * MINUTE,
    });
    expect(newest).toEqual([
      { deviceId: 'meter-1', newestAt: BASE_TIME + (READINGS_EACH - 1) * MINUTE },
      { deviceId: 'meter-2', newestAt: null },
    ]);
  });

  it('on the schema before 011 the same query had no index keyed by both', async () => {
    const nodes = await newestDataPlan(before.db);
    expect(keyedByGatewayAndDevice(nodes, 'readings')).toBe(false);
  });
});
