import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CHANNEL_SPECS, type ReadingItem } from '../../shared/contract/index.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { applyOutboxSchema } from '../../edge/outbox/sqlite-outbox-schema.js';
import { openSqlite } from '../../edge/storage/sqlite.js';
import { MAX_ITEMS_PER_BATCH } from '../../edge/uplink/uplink-client.js';
import { alert, reading, T0 as START } from '../outbox/outbox-fixtures.js';
import { median, type BenchRow } from './bench-table.js';

/** Messages per round; both paths move the same readings. */
const MESSAGES = 100_000;
/** Items per append, per take and per acknowledge: the uplink's batch (uplink-client.ts). */
const BATCH = MAX_ITEMS_PER_BATCH;
const ROUNDS = 5;
const TARGET_MESSAGES_PER_S = 50_000;
const BACKLOG = 1_000_000;
const BACKLOG_CHUNK = 20_000;
const ALERT_PROBES = 21;
/** A new alert is to be out within a second of reconnecting; the take is a small part of it. */
const TARGET_ALERT_TAKE_MS = 50;

/**
 * Outbox throughput: each batch of 200 readings appended (one group commit), taken and
 * acknowledged (one delete transaction), all on SQLite WAL with synchronous=FULL. Baseline: a bare
 * loop over the same table, indexes and pragmas (openSqlite 'FULL', applyOutboxSchema) that inserts
 * the same pre-serialised rows 200 per transaction and deletes them by key 200 per transaction: the
 * SQLite work the outbox cannot avoid, so the ratio is the outbox's own overhead (JSON, promises,
 * in-flight bookkeeping, the select of take). Interleaved rounds, fresh files, median
 * (tests/bench/README.md). Second row: take() of a new alert behind 1,000,000 queued readings against the
 * same take on an empty outbox.
 */
export async function benchOutbox(): Promise<BenchRow[]> {
  const readings = Array.from({ length: MESSAGES }, (_, n) => reading(n));
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-outbox-bench-'));
  const ours: number[] = [];
  const bare: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(MESSAGES / bareLoop(join(dir, `bare-${round}.sqlite`), readings));
      ours.push(MESSAGES / (await outboxLoop(join(dir, `outbox-${round}.sqlite`), readings)));
    }
    const oursRate = median(ours);
    const bareRate = median(bare);
    const latency = await alertBehindBacklog(dir);
    return [
      {
        name: `outbox append+take+acknowledge, ${MESSAGES.toLocaleString('en-US')} readings, ${BATCH} per batch, WAL synchronous=FULL (baseline: bare insert+delete)`,
        ours: oursRate,
        baseline: bareRate,
        unit: 'messages/s',
        ratio: oursRate / bareRate,
        target: `>= ${TARGET_MESSAGES_PER_S.toLocaleString('en-US')} messages/s`,
        met: oursRate >= TARGET_MESSAGES_PER_S,
      },
      {
        name: `outbox take of a new alert behind ${BACKLOG.toLocaleString('en-US')} queued readings (baseline: empty outbox), median of ${ALERT_PROBES}`,
        ours: latency.backlogMs,
        baseline: latency.emptyMs,
        unit: 'ms',
        ratio: latency.backlogMs / latency.emptyMs,
        target: `<= ${TARGET_ALERT_TAKE_MS} ms`,
        met: latency.backlogMs <= TARGET_ALERT_TAKE_MS,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds to append, take and acknowledge every reading, BATCH at a time. */
async function outboxLoop(path: string, readings: readonly ReadingItem[]): Promise<number> {
  const outbox = new SqliteOutbox(path);
  const started = performance.now();
  for (let from = 0; from < readings.length; from += BATCH) {
    await outbox.append('telemetry', readings.slice(from, from + BATCH));
    const batch = await outbox.take(BATCH);
    if (batch?.keys.length !== Math.min(BATCH, readings.length - from)) throw new Error('outbox bench: short batch');
    await outbox.acknowledge(batch.keys);
  }
  const seconds = (performance.now() - started) / 1000;
  if ((await outbox.stats()).depth !== 0) throw new Error('outbox bench: items left');
  outbox.close();
  return seconds;
}

/** Seconds for the bare loop: one insert transaction and one delete transaction per BATCH rows. */
function bareLoop(path: string, readings: readonly ReadingItem[]): number {
  const db = openSqlite(path, 'FULL');
  applyOutboxSchema(db, path);
  const priority = CHANNEL_SPECS.telemetry.priority;
  const rows = readings.map((item, n) => [n + 1, 'telemetry', priority, START + n, START, JSON.stringify(item)]);
  const insert = db.prepare('INSERT INTO outbox (key, channel, priority, event_time, appended_at, item) VALUES (?, ?, ?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM outbox WHERE key = ?');
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(...rows[i]!);
  });
  const deleteBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) remove.run(i + 1);
  });
  const started = performance.now();
  for (let from = 0; from < rows.length; from += BATCH) {
    const to = Math.min(from + BATCH, rows.length);
    insertBatch(from, to);
    deleteBatch(from, to);
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return seconds;
}

/** Median ms of take() for a just-appended alert, on an empty outbox and behind BACKLOG readings. */
async function alertBehindBacklog(dir: string): Promise<{ emptyMs: number; backlogMs: number }> {
  const empty = new SqliteOutbox(join(dir, 'empty.sqlite'));
  const full = new SqliteOutbox(join(dir, 'backlog.sqlite'));
  try {
    for (let from = 0; from < BACKLOG; from += BACKLOG_CHUNK) {
      await full.append('telemetry', Array.from({ length: BACKLOG_CHUNK }, (_, i) => reading(from + i)));
    }
    if ((await full.stats()).depth !== BACKLOG) throw new Error('outbox bench: backlog not queued');
    const emptyMs: number[] = [];
    const backlogMs: number[] = [];
    for (let probe = 0; probe < ALERT_PROBES; probe++) {
      emptyMs.push(await timeAlertTake(empty, probe));
      backlogMs.push(await timeAlertTake(full, probe));
    }
    return { emptyMs: median(emptyMs), backlogMs: median(backlogMs) };
  } finally {
    empty.close();
    full.close();
  }
}

async function timeAlertTake(outbox: SqliteOutbox, n: number): Promise<number> {
  await outbox.append('alerts', [alert(n)]);
  const started = performance.now();
  const batch = await outbox.take(BATCH);
  const ms = performance.now() - started;
  if (batch?.channel !== 'alerts') throw new Error('outbox bench: the alert did not come first');
  await outbox.acknowledge(batch.keys);
  return ms;
}
