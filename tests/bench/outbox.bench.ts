import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ReadingItem } from '../../shared/contract/index.js';
import { DEFAULT_OUTBOX_MAX_BYTES } from '../../edge/config/gateway-config.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { MAX_ITEMS_PER_BATCH } from '../../edge/uplink/uplink-client.js';
import { alert, reading, T0 as START } from '../outbox/outbox-fixtures.js';
import { median, type BenchRow } from './bench-table.js';
import { BareOutboxTable, bareOutboxRow, type BareOutboxRow } from './bare-outbox-table.js';

/** Messages per round; both paths move the same readings. */
const MESSAGES = 100_000;
/** Items per append, per take and per acknowledge: the uplink's batch (uplink-client.ts). */
const BATCH = MAX_ITEMS_PER_BATCH;
const ROUNDS = 5;
/**
 * At least half the bare loop's rate: the outbox's own work (JSON, promises, bookkeeping, the disk
 * budget) may at most double what SQLite must do anyway, whose two fsynced transactions per batch
 * dominate both paths. Measured 0.75 to 0.93 on a loaded 2-core machine; an acknowledge split into ten
 * transactions per batch measured 0.23. A ratio, not messages per second: on that machine the bare
 * loop itself managed about 20,000 messages/s, so a fixed rate would judge the disk, not the outbox.
 */
const TARGET_RATIO = 0.5;
const BACKLOG = 1_000_000;
const BACKLOG_CHUNK = 20_000;
const ALERT_PROBES = 21;
/** A new alert is to be out within a second of reconnecting; the take is a small part of it. */
const TARGET_ALERT_TAKE_MS = 50;
/** Every gateway's outbox has a disk budget (outbox.max_bytes); the benches run with the default one. */
const BUDGET = { maxBytes: DEFAULT_OUTBOX_MAX_BYTES };
const BUDGET_MIB = `${DEFAULT_OUTBOX_MAX_BYTES / 1024 / 1024} MiB`;

/**
 * Outbox throughput: each batch of 200 readings appended (one group commit), taken and
 * acknowledged (one delete transaction), all on SQLite WAL with synchronous=FULL. Baseline: a bare
 * loop over the same table, indexes and pragmas (bare-outbox-table.ts) that inserts
 * the same pre-serialised rows 200 per transaction and deletes them by key 200 per transaction: the
 * SQLite work the outbox cannot avoid, so the ratio is the outbox's own overhead (JSON, promises,
 * in-flight bookkeeping, the select of take, the disk budget's accounting). Interleaved rounds,
 * fresh files, median (tests/bench/README.md). Second row: take() of a new alert behind 1,000,000 queued
 * readings against the same take on an empty outbox. Both outboxes run as a gateway runs them, with
 * the default disk budget (DEFAULT_OUTBOX_MAX_BYTES): the 1,000,000 readings stay under it (about
 * 200 bytes each with the row overhead, some 190 MiB), so the backlog is whole, and the budget's bookkeeping is
 * paid on every append and acknowledge.
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
        name: `outbox append+take+acknowledge, ${MESSAGES.toLocaleString('en-US')} readings, ${BATCH} per batch, WAL synchronous=FULL, ${BUDGET_MIB} budget (baseline: bare insert+delete)`,
        ours: oursRate,
        baseline: bareRate,
        unit: 'messages/s',
        ratio: oursRate / bareRate,
        target: `>= ${TARGET_RATIO} x bare`,
        met: oursRate >= TARGET_RATIO * bareRate,
      },
      {
        name: `outbox take of a new alert behind ${BACKLOG.toLocaleString('en-US')} queued readings, ${BUDGET_MIB} budget (baseline: empty outbox), median of ${ALERT_PROBES}`,
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
  const outbox = new SqliteOutbox(path, undefined, BUDGET);
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
  const table = new BareOutboxTable(path);
  const rows = readings.map((item, n) => bareOutboxRow(n + 1, item, START));
  const batches: Array<{ rows: BareOutboxRow[]; keys: number[] }> = [];
  for (let from = 0; from < rows.length; from += BATCH) {
    const batch = rows.slice(from, from + BATCH);
    batches.push({ rows: batch, keys: batch.map(([key]) => key) });
  }
  const started = performance.now();
  for (const batch of batches) {
    table.insert(batch.rows);
    table.delete(batch.keys);
  }
  const seconds = (performance.now() - started) / 1000;
  table.close();
  return seconds;
}

/** Median ms of take() for a just-appended alert, on an empty outbox and behind BACKLOG readings. */
async function alertBehindBacklog(dir: string): Promise<{ emptyMs: number; backlogMs: number }> {
  const empty = new SqliteOutbox(join(dir, 'empty.sqlite'), undefined, BUDGET);
  const full = new SqliteOutbox(join(dir, 'backlog.sqlite'), undefined, BUDGET);
  try {
    for (let from = 0; from < BACKLOG; from += BACKLOG_CHUNK) {
      await full.append('telemetry', Array.from({ length: BACKLOG_CHUNK }, (_, i) => reading(from + i)));
    }
    const queued = await full.stats();
    if (queued.depth !== BACKLOG) {
      throw new Error(`outbox bench: ${queued.depth} of ${BACKLOG} readings queued (budget: ${queued.thinned_telemetry} thinned, ${queued.evicted_telemetry} evicted)`);
    }
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
