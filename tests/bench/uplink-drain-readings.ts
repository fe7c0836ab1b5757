import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { toWireTime, type ReadingItem, type Unit } from '../../shared/contract/index.js';
import { stableId } from '../../shared/ids.js';
import { systemClock } from '../../shared/time/clock.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { MAX_ITEMS_PER_BATCH } from '../../edge/uplink/uplink-client.js';
import { BareOutboxTable, bareOutboxRow } from './bare-outbox-table.js';

/** Items per envelope on both paths: the uplink's batch (uplink-client.ts). */
export const DRAIN_BATCH = MAX_ITEMS_PER_BATCH;
/**
 * Readings per append while filling: one group commit each, so the fill never holds 1M items at once.
 * A multiple of DRAIN_BATCH, so each line of the batches file is exactly one of the uplink's envelopes.
 */
export const FILL_CHUNK = 10_000;
const METERS = 1000;
const POLL_PERIOD_MS = 60_000;
const START = Date.UTC(2026, 10, 24, 0, 0, 0, 0);

/** The points one Eastron SDM120 poll yields (device-profiles/eastron_sdm120.yaml), with plausible values. */
const SDM120_POINTS: ReadonlyArray<{ point: string; unit: Unit; value: (meter: number, poll: number) => number }> = [
  { point: 'voltage', unit: 'V', value: (m, p) => 229 + ((m * 7 + p) % 50) / 10 },
  { point: 'current', unit: 'A', value: (m, p) => ((m * 13 + p * 3) % 400) / 10 },
  { point: 'active_power', unit: 'W', value: (m, p) => ((m * 31 + p * 17) % 8000) + 0.25 },
  { point: 'apparent_power', unit: 'VA', value: (m, p) => ((m * 31 + p * 17) % 8000) + 120.5 },
  { point: 'reactive_power', unit: 'var', value: (m, p) => ((m * 11 + p) % 900) + 0.75 },
  { point: 'power_factor', unit: 'pf', value: (m, p) => 0.8 + ((m + p) % 20) / 100 },
  { point: 'frequency', unit: 'Hz', value: (m, p) => 49.9 + ((m + p) % 20) / 100 },
  { point: 'import_energy', unit: 'kWh', value: (m, p) => 1000 + m * 3.7 + p * 0.05 },
  { point: 'export_energy', unit: 'kWh', value: (m) => m * 0.01 },
  { point: 'total_energy', unit: 'kWh', value: (m, p) => 1000 + m * 3.71 + p * 0.05 },
];

/**
 * Reading n of the backlog, as the polled driver writes it (edge/bus/polled-driver.ts): 1,000 SDM120
 * meters polled every 60 s, ten points per poll, the id stableId(device, point, time), the value a
 * float32 register widened to a double (so it prints with its float32 noise, e.g. 229.8000030517578).
 * Deterministic: every path of the benchmark sends the same bytes.
 */
export function drainReading(n: number): ReadingItem {
  const poll = Math.floor(n / SDM120_POINTS.length);
  const spec = SDM120_POINTS[n % SDM120_POINTS.length]!;
  const meter = poll % METERS;
  const round = Math.floor(poll / METERS);
  const at = START + round * POLL_PERIOD_MS + meter * (POLL_PERIOD_MS / METERS);
  const deviceId = `em-${String(meter + 1).padStart(4, '0')}`;
  return {
    id: stableId(deviceId, spec.point, at),
    device_id: deviceId,
    point: spec.point,
    value: Math.fround(spec.value(meter, round)),
    unit: spec.unit,
    event_time: toWireTime(at),
  };
}

/**
 * Appends readings 0..count-1 to a new SqliteOutbox file, FILL_CHUNK per append, and closes it. With
 * batchesPath, also writes the same readings as the bare publisher's input: one line per envelope,
 * the JSON array of its DRAIN_BATCH items, exactly as the uplink serialises them. Returns the
 * seconds the appends took.
 */
export async function fillDrainOutbox(path: string, count: number, batchesPath?: string): Promise<number> {
  const outbox = new SqliteOutbox(path, systemClock);
  const batches = batchesPath === undefined ? null : openSync(batchesPath, 'w');
  let appendMs = 0;
  try {
    for (let from = 0; from < count; from += FILL_CHUNK) {
      const items = Array.from({ length: Math.min(FILL_CHUNK, count - from) }, (_, i) => drainReading(from + i));
      const started = systemClock.now();
      await outbox.append('telemetry', items);
      appendMs += systemClock.now() - started;
      if (batches !== null) {
        for (let at = 0; at < items.length; at += DRAIN_BATCH) writeSync(batches, `${JSON.stringify(items.slice(at, at + DRAIN_BATCH))}\n`);
      }
    }
    const { depth } = await outbox.stats();
    if (depth !== count) throw new Error(`uplink-drain bench: ${depth} readings queued, expected ${count}`);
  } finally {
    outbox.close();
    if (batches !== null) closeSync(batches);
  }
  return appendMs / 1000;
}

/**
 * The fill's baseline: the same readings inserted into a new file by a bare SQLite loop (the
 * outbox's table, pre-serialised rows, FILL_CHUNK per transaction). Returns the seconds the inserts
 * took.
 */
export function bareFill(path: string, count: number): number {
  const table = new BareOutboxTable(path);
  const appendedAt = systemClock.now();
  let insertMs = 0;
  try {
    for (let from = 0; from < count; from += FILL_CHUNK) {
      const rows = Array.from({ length: Math.min(FILL_CHUNK, count - from) }, (_, i) => bareOutboxRow(from + i + 1, drainReading(from + i), appendedAt));
      const started = systemClock.now();
      table.insert(rows);
      insertMs += systemClock.now() - started;
    }
  } finally {
    table.close();
  }
  return insertMs / 1000;
}

/**
 * Reads a batches file line by line in fixed blocks, so memory stays at one block and one line. The
 * file is ASCII (hex ids, slugs, numbers, ISO times), so latin1 decodes it exactly and fastest.
 */
export function* batchLines(path: string, maxLines: number): Generator<string> {
  const fd = openSync(path, 'r');
  const block = Buffer.alloc(1 << 20);
  let rest = '';
  let lines = 0;
  try {
    for (;;) {
      const read = readSync(fd, block, 0, block.length, null);
      if (read === 0) break;
      const parts = (rest + block.toString('latin1', 0, read)).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        yield line;
        if (++lines >= maxLines) return;
      }
    }
    if (rest.length > 0 && lines < maxLines) yield rest;
  } finally {
    closeSync(fd);
  }
}
