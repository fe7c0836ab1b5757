import { CHANNEL_SPECS, fromWireTime } from '../../shared/contract/index.js';
import type { Logger } from '../../shared/log/logger.js';
import { systemClock, type Clock } from '../../shared/time/clock.js';
import { openSqlite, type SqliteDatabase, type SqliteStatement } from '../storage/sqlite.js';
import { OUTBOX_CHANNELS, type Outbox, type OutboxBatch, type OutboxChannel, type OutboxItems, type OutboxStats } from './outbox.js';
import { applyOutboxSchema } from './sqlite-outbox-schema.js';

type Item = OutboxItems[OutboxChannel];

/** One item handed out by take(), held in memory until acknowledged or released. */
interface InFlight {
  channel: OutboxChannel;
  item: Item;
}

/** The appends of one tick, committed together (group commit). */
interface PendingAppend {
  rows: unknown[][];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Rows per multi-row INSERT: one statement for many rows costs about half per row (as in RowWriter). */
const ROWS_PER_STATEMENT = 32;
const COLUMNS = '(channel, priority, event_time, appended_at, item)';
const ROW = '(?, ?, ?, ?, ?)';
const WATERMARK = 'latest_acknowledged_event_time';
const THINNED_THROUGH = 'thinned_through_key';
const THINNED = 'thinned_telemetry';
const EVICTED = 'evicted_telemetry';
const DROPPED_THROUGH = 'telemetry_dropped_through';

/** Bytes a row counts for on top of its item's JSON: the other columns, the two index entries, cell headers. */
export const ROW_OVERHEAD_BYTES = 64;
/** A budget enforcement frees down to this share of max_bytes, so the next appends do not trigger it again. */
export const BUDGET_LOW_WATER = 0.9;
/** Readings read per thinning or eviction step. */
export const BUDGET_CHUNK_ROWS = 1000;

export interface SqliteOutboxOptions {
  /** Disk budget in bytes (see "Disk budget" below); none when absent. */
  maxBytes?: number | undefined;
  /** Where thinning, eviction and an over-budget outbox are reported. */
  logger?: Logger | undefined;
}

/** What one budget enforcement did, applied to memory only after its transaction committed. */
interface BudgetResult {
  bytes: number;
  thinnedThrough: number;
  thinned: number;
  evicted: number;
  deleted: number[];
  /** Latest event time (ms) of any reading dropped so far, this enforcement included. */
  droppedThrough: number | null;
}

/** A row's size as the budget counts it. */
export function budgetBytesOf(json: string): number {
  return Buffer.byteLength(json) + ROW_OVERHEAD_BYTES;
}

/**
 * The durable outbox: a SQLite file in WAL mode in front of the uplink.
 *
 * Durability: synchronous=FULL for every commit. In WAL mode NORMAL skips the fsync of the WAL on
 * commit, so a power cut can roll back the last transactions (https://sqlite.org/pragma.html#pragma_synchronous);
 * an alert whose append() resolved must survive a power cut, so FULL. Its cost is paid once per tick,
 * not per item: appends of one event-loop turn are buffered and committed in one transaction
 * (setImmediate), and append() resolves only after that commit, so a resolved append is on disk.
 * Measured here: ~330k rows/s at 100 rows per transaction against ~7.6k single-row commits/s
 * (tests/bench/README.md).
 *
 * In-flight state lives in memory only: after a restart nothing is in flight and every
 * unacknowledged item is sent again (at least once; the cloud dedupes by item id). Keys are
 * AUTOINCREMENT so a key is never reused within a file, which the per-channel take cursor relies on.
 *
 * Disk budget (options.maxBytes; the gateway's outbox.max_bytes). What is counted is the stored
 * bytes of the rows (item JSON + ROW_OVERHEAD_BYTES each), tracked in memory as rows come and go:
 * page_count*page_size does not shrink when rows are deleted (freed pages stay in the file and are
 * reused), so it cannot tell whether eviction made room. Since freed pages are reused, the file
 * stays near the budget plus b-tree slack (and the WAL, checkpointed at 1000 pages by default).
 * When an append takes the stored bytes over maxBytes, in a transaction after the append committed
 * (an alert's append never fails because of the budget), until they are back at BUDGET_LOW_WATER:
 *  1. thinning: the oldest readings not thinned yet, BUDGET_CHUNK_ROWS at a time, are grouped by
 *     device and point; of each series every second reading is deleted, its first and last kept.
 *     Each reading goes through thinning once (the highest thinned key is kept in outbox_meta), so
 *     the backlog loses half its resolution before anything is lost outright;
 *  2. eviction: the oldest readings are deleted, oldest first.
 * Readings in flight are left alone. The latest event time of any reading dropped is kept
 * (telemetry_dropped_through in outbox_meta): the delivery watermark passes over dropped readings,
 * and the status dates that gap beside it. Alerts and events are never deleted: with no telemetry left,
 * appends still succeed and an error is logged once per excursion over the budget. Every
 * enforcement logs a warning with its counts; totals persist in outbox_meta and show in stats().
 */
export class SqliteOutbox implements Outbox {
  private readonly db: SqliteDatabase;
  private readonly insertMany: SqliteStatement;
  private readonly insertOne: SqliteStatement;
  private readonly selectAfter: SqliteStatement;
  private readonly deleteOne: SqliteStatement;
  private readonly putWatermark: SqliteStatement;
  private readonly selectOldest: SqliteStatement;
  private readonly selectEarliest: SqliteStatement;
  private readonly commitAppends: (batch: PendingAppend[]) => void;
  private readonly commitAcknowledge: (keys: readonly number[], result: { deleted: number; bytes: number; latest: number | null }) => void;
  private readonly commitBudget: (result: BudgetResult) => void;
  private readonly selectTelemetryAfter: SqliteStatement;
  private readonly deleteForBudget: SqliteStatement;
  private readonly putMeta: SqliteStatement;
  private readonly maxBytes: number | null;
  private readonly logger: Logger | null;
  private bytes = 0;
  private thinnedThrough = 0;
  private thinnedTotal = 0;
  private evictedTotal = 0;
  private droppedThrough: number | null = null;
  private overBudgetReported = false;

  /** Highest key take() has read from the file per channel; newer rows have larger keys. */
  private readonly cursor = new Map<OutboxChannel, number>(OUTBOX_CHANNELS.map((c) => [c, 0]));
  private readonly inFlight = new Map<number, InFlight>();
  /** Released items (all at or below their channel's cursor), handed out again before newer rows. */
  private readonly released = new Map<OutboxChannel, Map<number, Item>>(OUTBOX_CHANNELS.map((c) => [c, new Map()]));
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private depth: number;
  private latestAcknowledged: number | null;

  constructor(
    readonly path: string,
    private readonly clock: Clock = systemClock,
    options: SqliteOutboxOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? null;
    this.logger = options.logger ?? null;
    this.db = openSqlite(path, 'FULL');
    try {
      applyOutboxSchema(this.db, path);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const manyRows = Array.from({ length: ROWS_PER_STATEMENT }, () => ROW).join(', ');
    this.insertMany = this.db.prepare(`INSERT INTO outbox ${COLUMNS} VALUES ${manyRows}`);
    this.insertOne = this.db.prepare(`INSERT INTO outbox ${COLUMNS} VALUES ${ROW}`);
    this.selectAfter = this.db.prepare('SELECT key, item FROM outbox WHERE priority = ? AND key > ? ORDER BY priority, key LIMIT ?');
    this.deleteOne = this.db.prepare(`DELETE FROM outbox WHERE key = ? RETURNING event_time, length(CAST(item AS BLOB)) + ${ROW_OVERHEAD_BYTES} AS bytes`);
    this.deleteForBudget = this.db.prepare(`DELETE FROM outbox WHERE key = ? RETURNING event_time, length(CAST(item AS BLOB)) + ${ROW_OVERHEAD_BYTES} AS bytes`);
    this.selectTelemetryAfter = this.db.prepare('SELECT key, item FROM outbox WHERE priority = ? AND key > ? ORDER BY priority, key LIMIT ?');
    this.putMeta = this.db.prepare('INSERT INTO outbox_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.putWatermark = this.db.prepare(`INSERT INTO outbox_meta (name, value) VALUES ('${WATERMARK}', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`);
    // The row with the lowest key was appended first, whatever the clock did since.
    this.selectOldest = this.db.prepare('SELECT appended_at FROM outbox ORDER BY key LIMIT 1');
    this.selectEarliest = this.db.prepare('SELECT MIN(event_time) AS earliest FROM outbox');
    this.commitAppends = this.db.transaction((batch: PendingAppend[]) => this.insert(batch));
    this.commitAcknowledge = this.db.transaction((keys: readonly number[], result: { deleted: number; bytes: number; latest: number | null }) => this.delete(keys, result));
    this.commitBudget = this.db.transaction((result: BudgetResult) => this.shrink(result));
    this.depth = Number((this.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n);
    const meta = (name: string): number | null => {
      const row = this.db.prepare('SELECT value FROM outbox_meta WHERE name = ?').get(name) as { value: number } | undefined;
      return row ? Number(row.value) : null;
    };
    this.latestAcknowledged = meta(WATERMARK);
    if (this.maxBytes !== null) {
      // One scan at open, only with a budget; from then on the total follows appends and deletes.
      const sum = this.db.prepare('SELECT SUM(length(CAST(item AS BLOB))) AS b FROM outbox').get() as { b: number | null };
      this.bytes = Number(sum.b ?? 0) + this.depth * ROW_OVERHEAD_BYTES;
      this.thinnedThrough = meta(THINNED_THROUGH) ?? 0;
      this.thinnedTotal = meta(THINNED) ?? 0;
      this.evictedTotal = meta(EVICTED) ?? 0;
      this.droppedThrough = meta(DROPPED_THROUGH);
    }
  }

  /** Resolves once the items are committed (fsynced) together with the rest of this tick's appends. */
  append<C extends OutboxChannel>(channel: C, items: ReadonlyArray<OutboxItems[C]>): Promise<void> {
    if (!this.db.open) return Promise.reject(new Error(`${this.path}: outbox closed`));
    if (items.length === 0) return Promise.resolve();
    const priority = CHANNEL_SPECS[channel].priority;
    const appendedAt = this.clock.now();
    // Serialised now: what is stored is the item as it was when appended.
    const rows = items.map((item) => [channel, priority, fromWireTime(item.event_time), appendedAt, JSON.stringify(item)]);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    });
  }

  async take(maxItems: number, channels: readonly OutboxChannel[] = OUTBOX_CHANNELS): Promise<OutboxBatch | null> {
    this.assertOpen();
    for (const channel of OUTBOX_CHANNELS) {
      if (!channels.includes(channel)) continue;
      const keys: number[] = [];
      const items: Item[] = [];
      const released = this.released.get(channel)!;
      if (released.size > 0) {
        for (const key of [...released.keys()].sort((a, b) => a - b).slice(0, maxItems)) {
          keys.push(key);
          items.push(released.get(key)!);
          released.delete(key);
        }
      }
      if (keys.length < maxItems) {
        const rows = this.selectAfter.all(CHANNEL_SPECS[channel].priority, this.cursor.get(channel)!, maxItems - keys.length) as Array<{ key: number; item: string }>;
        for (const row of rows) {
          keys.push(Number(row.key));
          items.push(JSON.parse(row.item) as Item);
        }
        if (rows.length > 0) this.cursor.set(channel, Number(rows[rows.length - 1]!.key));
      }
      if (keys.length === 0) continue;
      keys.forEach((key, index) => this.inFlight.set(key, { channel, item: items[index]! }));
      return { channel, keys, items } as OutboxBatch;
    }
    return null;
  }

  /** Deletes in one transaction; unknown keys are ignored. Advances the persisted watermark. */
  async acknowledge(keys: readonly number[]): Promise<void> {
    this.assertOpen();
    if (keys.length === 0) return;
    const result = { deleted: 0, bytes: 0, latest: this.latestAcknowledged };
    this.commitAcknowledge(keys, result);
    // Memory follows only a committed transaction; a failed one throws above and changes nothing.
    this.depth -= result.deleted;
    this.bytes -= result.bytes;
    if (this.maxBytes !== null && this.bytes <= this.maxBytes) this.overBudgetReported = false;
    this.latestAcknowledged = result.latest;
    for (const key of keys) {
      if (this.inFlight.delete(key)) continue;
      for (const released of this.released.values()) released.delete(key);
    }
  }

  async release(keys: readonly number[]): Promise<void> {
    this.assertOpen();
    for (const key of keys) {
      const entry = this.inFlight.get(key);
      if (!entry) continue;
      this.inFlight.delete(key);
      this.released.get(entry.channel)!.set(key, entry.item);
    }
  }

  async stats(): Promise<OutboxStats> {
    this.assertOpen();
    const oldest = this.selectOldest.get() as { appended_at: number } | undefined;
    const earliest = this.selectEarliest.get() as { earliest: number | null };
    const stats: OutboxStats = {
      depth: this.depth,
      oldest_appended_at: oldest ? Number(oldest.appended_at) : null,
      earliest_pending_event_time: earliest.earliest === null ? null : Number(earliest.earliest),
      latest_acknowledged_event_time: this.latestAcknowledged,
    };
    if (this.maxBytes === null) return stats;
    return {
      ...stats,
      thinned_telemetry: this.thinnedTotal,
      evicted_telemetry: this.evictedTotal,
      telemetry_dropped_through: this.droppedThrough,
      stored_bytes: this.bytes,
      max_bytes: this.maxBytes,
    };
  }

  /** Commits appends still buffered (their promises resolve), then closes the file. Idempotent. */
  close(): void {
    if (!this.db.open) return;
    this.flush();
    this.db.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.commitAppends(batch);
    } catch (error) {
      for (const append of batch) append.reject(error);
      return;
    }
    for (const append of batch) {
      this.depth += append.rows.length;
      if (this.maxBytes !== null) for (const row of append.rows) this.bytes += budgetBytesOf(row[4] as string);
    }
    // After the commit and before the appends resolve; a failure here fails no append.
    if (this.maxBytes !== null && this.bytes > this.maxBytes) this.enforceBudget(this.maxBytes);
    for (const append of batch) append.resolve();
  }

  /** Thins, then evicts telemetry down to BUDGET_LOW_WATER of the budget (see the class comment). */
  private enforceBudget(maxBytes: number): void {
    const result: BudgetResult = { bytes: this.bytes, thinnedThrough: this.thinnedThrough, thinned: 0, evicted: 0, deleted: [], droppedThrough: this.droppedThrough };
    try {
      this.commitBudget(result);
    } catch (error) {
      this.logger?.error({ err: error, path: this.path }, 'outbox disk budget: thinning/eviction failed');
      return;
    }
    const deleted = result.thinned + result.evicted;
    this.depth -= deleted;
    this.bytes = result.bytes;
    this.thinnedThrough = result.thinnedThrough;
    this.thinnedTotal += result.thinned;
    this.evictedTotal += result.evicted;
    this.droppedThrough = result.droppedThrough;
    for (const key of result.deleted) this.released.get('telemetry')!.delete(key);
    const counts = {
      path: this.path,
      thinned: result.thinned,
      evicted: result.evicted,
      thinned_total: this.thinnedTotal,
      evicted_total: this.evictedTotal,
      stored_bytes: this.bytes,
      max_bytes: maxBytes,
    };
    if (deleted > 0) this.logger?.warn(counts, 'outbox disk budget reached: telemetry thinned and/or evicted');
    if (this.bytes > maxBytes) {
      if (!this.overBudgetReported) {
        this.logger?.error({ ...counts, depth: this.depth }, 'OUTBOX OVER ITS DISK BUDGET with no telemetry left to evict: alerts and events are kept and still accepted');
      }
      this.overBudgetReported = true;
    } else {
      this.overBudgetReported = false;
    }
  }

  /** Inside the budget transaction: thinning, then eviction, then the totals into outbox_meta. */
  private shrink(result: BudgetResult): void {
    const target = Math.floor(this.maxBytes! * BUDGET_LOW_WATER);
    const priority = CHANNEL_SPECS.telemetry.priority;
    const remove = (key: number): void => {
      const row = this.deleteForBudget.get(key) as { event_time: number; bytes: number } | undefined;
      if (!row) return;
      result.bytes -= Number(row.bytes);
      result.deleted.push(key);
      result.droppedThrough = Math.max(result.droppedThrough ?? Number(row.event_time), Number(row.event_time));
    };
    // 1. Thinning: every second reading of each device/point series in the oldest unthinned chunk.
    while (result.bytes > target) {
      const rows = this.selectTelemetryAfter.all(priority, result.thinnedThrough, BUDGET_CHUNK_ROWS) as Array<{ key: number; item: string }>;
      if (rows.length === 0) break;
      const series = new Map<string, number[]>();
      for (const row of rows) {
        const item = JSON.parse(row.item) as OutboxItems['telemetry'];
        const name = JSON.stringify([item.device_id, item.point]);
        let keys = series.get(name);
        if (!keys) series.set(name, (keys = []));
        keys.push(Number(row.key));
      }
      for (const keys of series.values()) {
        for (let index = 1; index < keys.length - 1; index += 2) {
          const key = keys[index]!;
          if (this.inFlight.has(key)) continue;
          const before = result.deleted.length;
          remove(key);
          result.thinned += result.deleted.length - before;
        }
      }
      result.thinnedThrough = Number(rows[rows.length - 1]!.key);
    }
    // 2. Eviction: the oldest readings first.
    let after = 0;
    while (result.bytes > target) {
      const rows = this.selectTelemetryAfter.all(priority, after, BUDGET_CHUNK_ROWS) as Array<{ key: number }>;
      if (rows.length === 0) break;
      for (const row of rows) {
        const key = Number(row.key);
        after = key;
        if (this.inFlight.has(key)) continue;
        const before = result.deleted.length;
        remove(key);
        result.evicted += result.deleted.length - before;
        if (result.bytes <= target) break;
      }
    }
    this.putMeta.run(THINNED_THROUGH, result.thinnedThrough);
    this.putMeta.run(THINNED, this.thinnedTotal + result.thinned);
    this.putMeta.run(EVICTED, this.evictedTotal + result.evicted);
    if (result.droppedThrough !== null) this.putMeta.run(DROPPED_THROUGH, result.droppedThrough);
  }

  /** Inside the append transaction: ROWS_PER_STATEMENT rows per statement, the rest one by one. */
  private insert(batch: readonly PendingAppend[]): void {
    const rows = batch.flatMap((append) => append.rows);
    let start = 0;
    for (; start + ROWS_PER_STATEMENT <= rows.length; start += ROWS_PER_STATEMENT) {
      this.insertMany.run(...rows.slice(start, start + ROWS_PER_STATEMENT).flat());
    }
    for (; start < rows.length; start++) this.insertOne.run(...rows[start]!);
  }

  /** Inside the acknowledge transaction: deletes, and persists the watermark when it moves. */
  private delete(keys: readonly number[], result: { deleted: number; bytes: number; latest: number | null }): void {
    for (const key of keys) {
      const row = this.deleteOne.get(key) as { event_time: number; bytes: number } | undefined;
      if (!row) continue;
      result.deleted++;
      result.bytes += Number(row.bytes);
      result.latest = Math.max(result.latest ?? Number(row.event_time), Number(row.event_time));
    }
    if (result.latest !== this.latestAcknowledged) this.putWatermark.run(result.latest);
  }

  private assertOpen(): void {
    if (!this.db.open) throw new Error(`${this.path}: outbox closed`);
  }
}
