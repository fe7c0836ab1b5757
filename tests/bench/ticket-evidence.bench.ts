import { performance } from 'node:perf_hooks';
import { ManualClock } from '../../shared/time/clock.js';
import type { ReadingItem } from '../../shared/contract/index.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import { migrate } from '../../cloud/db/migrate.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import type { Ticket } from '../../cloud/tickets/ticket.js';
import { InfluxTelemetryStore } from '../../cloud/telemetry/influx-telemetry-store.js';
import { InfluxqlEvidenceReader } from '../../cloud/telemetry/influxql-evidence-reader.js';
import { InfluxqlHttpReader } from '../../cloud/telemetry/influxql-http-reader.js';
import { SqlEvidenceReader } from '../../cloud/telemetry/sql-evidence-reader.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { TicketEvidenceBuilder, type TicketEvidence } from '../../cloud/telemetry/ticket-evidence-builder.js';
import type { TelemetryStore } from '../../cloud/telemetry/telemetry-store.js';
import type { TelemetryEvidenceReader } from '../../cloud/telemetry/telemetry-evidence-reader.js';
import { createTestInfluxDatabase } from '../support/influxdb.js';
import { createTestPostgresDatabase } from '../support/postgres.js';
import { alertItem, readingItem } from '../support/wire-fixtures.js';
import { median, type BenchRow } from './bench-table.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const ESTATE = 'evidence-bench';
const GATEWAY = 'gw-evidence-bench';
const NOW = Date.UTC(2026, 10, 24, 8);
/** The leak was raised 30 days minus the 2 h before-window ago and is still open: the evidence window is 30 days. */
const RAISED = NOW - 30 * DAY + 2 * 3_600_000;
const ROUNDS = 7;
const WRITE_BATCH = 5_000;
/** Evidence is thinned to 300 buckets per series; with two series no more than 600 points may come back. */
const MAX_POINTS = 600;
/**
 * The evidence of 30 days (two series thinned in the store, plus the builder's lookups of the
 * ticket's devices and estate) against the bare SELECT of the same two series' raw points: at most
 * this ratio of its time. Thinning in the store is meant to cost no more than reading everything.
 */
const TARGET_RATIO = 1.0;

/**
 * Evidence for a water-leak ticket over 30 days of 1-minute readings of its meter (flow, total and a
 * battery voltage the evidence leaves out: 129,600 readings; 86,400 of them in the evidence) on
 * PostgreSQL and on InfluxDB 1.x: time of TicketEvidenceBuilder.build and the points it returns,
 * against the bare query of the same series' raw points in the same run, rounds interleaved, medians.
 */
export async function benchTicketEvidence(): Promise<BenchRow[]> {
  const postgres = await createTestPostgresDatabase();
  const influx = await createTestInfluxDatabase();
  const db = await openDatabase({ url: postgres.url });
  try {
    await migrate(db);
    const ticket = await seedTicket(db);
    const readings = thirtyDaysOfReadings();
    const rows: BenchRow[] = [];

    const sqlStore = new SqlTelemetryStore(db);
    await writeAll(sqlStore, readings);
    await db.query('ANALYZE readings');
    rows.push(
      ...(await measure('sql (PostgreSQL)', db, ticket, new SqlEvidenceReader(db), sqlStore, async () => {
        const { rows: raw } = await db.query(
          `SELECT event_time, value FROM readings WHERE estate_id = $1 AND gateway_id = $2 AND device_id = $3 AND unit = ANY($4::text[]) AND event_time >= $5::timestamptz AND event_time < $6::timestamptz ORDER BY event_time`,
          [ESTATE, GATEWAY, 'flow-1', ['m3/h', 'm3'], new Date(RAISED - 2 * 3_600_000).toISOString(), new Date(NOW).toISOString()],
        );
        return raw.length;
      })),
    );

    const influxStore = new InfluxTelemetryStore({ url: influx.url, database: influx.database });
    await influxStore.init();
    await writeAll(influxStore, readings);
    const influxql = new InfluxqlHttpReader({ url: influx.url, database: influx.database, timeoutMs: 60_000 });
    rows.push(
      ...(await measure('influxdb 1.x', db, ticket, new InfluxqlEvidenceReader(influxql, { database: influx.database }), influxStore, async () => {
        const raw = await influxql.select(
          // The two series by their tags, as the evidence reads them: the cheapest way InfluxDB has to them.
          `SELECT "value" FROM "readings" WHERE "estate_id" = '${ESTATE}' AND "gateway_id" = '${GATEWAY}' AND "device_id" = 'flow-1' AND ("point" = 'flow_rate' OR "point" = 'volume_total')` +
            ` AND time >= ${RAISED - 2 * 3_600_000}ms AND time < ${NOW}ms`,
        );
        return raw.length;
      })),
    );
    return rows;
  } finally {
    await db.close();
    await postgres.drop();
    await influx.drop();
  }
}

async function measure(
  backend: string,
  db: SqlDatabase,
  ticket: Ticket,
  reader: TelemetryEvidenceReader,
  store: TelemetryStore,
  bare: () => Promise<number>,
): Promise<BenchRow[]> {
  const builder = new TicketEvidenceBuilder(db, reader, store, null);
  const ours: number[] = [];
  const baseline: number[] = [];
  let evidence: TicketEvidence | null = null;
  let rawPoints = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating which goes first, so neither always finds the cache warmed by the other.
    const steps = [
      async () => {
        const started = performance.now();
        evidence = await builder.build(ticket, NOW);
        ours.push(performance.now() - started);
      },
      async () => {
        const started = performance.now();
        rawPoints = await bare();
        baseline.push(performance.now() - started);
      },
    ];
    for (const step of round % 2 ? steps.reverse() : steps) await step();
  }
  const built = evidence as TicketEvidence | null;
  const points = built ? built.series.reduce((sum, series) => sum + series.buckets.length, 0) : 0;
  const oursMs = median(ours);
  const bareMs = median(baseline);
  return [
    {
      name: `ticket-evidence: 30 days, ${backend} (ms)`,
      ours: oursMs,
      baseline: bareMs,
      unit: 'ms',
      ratio: oursMs / bareMs,
      target: `<= ${TARGET_RATIO} x the bare SELECT of the ${rawPoints.toLocaleString('en-US')} raw points`,
      met: oursMs / bareMs <= TARGET_RATIO,
    },
    {
      name: `ticket-evidence: 30 days, ${backend} (points)`,
      ours: points,
      baseline: rawPoints,
      unit: 'points',
      ratio: points / rawPoints,
      target: `<= ${MAX_POINTS} points (2 series x 300)`,
      met: points > 0 && points <= MAX_POINTS,
    },
  ];
}

async function seedTicket(db: SqlDatabase): Promise<Ticket> {
  const registry = new RegistryRepository(db);
  await registry.upsertEstate({ id: ESTATE, name: 'Evidence Bench Gardens' });
  await registry.upsertGateway({ id: GATEWAY, estateId: ESTATE, name: 'gw' });
  const at = new Date(NOW - 60 * DAY).toISOString();
  await db.query(`INSERT INTO assets (estate_id, id, kind, name, created_at) VALUES ($1, 'main-1', 'water_main', 'Main', $2)`, [ESTATE, at]);
  await db.query(`INSERT INTO devices (estate_id, id, gateway_id, asset_id, profile, mapped_at) VALUES ($1, 'flow-1', $2, 'main-1', 'tuf2000_flow_meter', $3)`, [ESTATE, GATEWAY, at]);
  const tickets = new TicketService(new SqlTicketRepository(db), { clock: new ManualClock(NOW) });
  const origin = { gatewayId: GATEWAY, estateId: ESTATE, receivedAt: RAISED };
  return (await tickets.handleAlert(origin, alertItem({ category: 'water_leak', rule: 'water_leak', subject: { kind: 'asset', id: 'main-1' }, at: RAISED }))).ticket;
}

/** One reading a minute of flow, total and battery over the 30 days of the window. */
function thirtyDaysOfReadings(): ReadingItem[] {
  const readings: ReadingItem[] = [];
  const from = RAISED - 2 * 3_600_000;
  for (let t = from, minute = 0; t < NOW; t += MINUTE, minute++) {
    readings.push(readingItem({ device_id: 'flow-1', point: 'flow_rate', unit: 'm3/h', value: minute % 1440 < 360 ? 0.2 : 3 + (minute % 7), at: t }));
    readings.push(readingItem({ device_id: 'flow-1', point: 'volume_total', unit: 'm3', value: 10_000 + minute * 0.05, at: t }));
    readings.push(readingItem({ device_id: 'flow-1', point: 'battery', unit: 'V', value: 3.6, at: t }));
  }
  return readings;
}

async function writeAll(store: TelemetryStore, readings: readonly ReadingItem[]): Promise<void> {
  const origin = { gatewayId: GATEWAY, estateId: ESTATE, receivedAt: NOW };
  for (let start = 0; start < readings.length; start += WRITE_BATCH) await store.writeReadings(origin, readings.slice(start, start + WRITE_BATCH));
}
