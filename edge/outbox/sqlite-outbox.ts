import { CHANNEL_SPECS, fromWireTime } from '../../shared/contract/index.js';
import { systemClock, type Clock } from '../../shared/time/clock.js';
import { openSqlite, type SqliteDatabase, type SqliteStatement } from '../state/sqlite.js';
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

/**
 * The durable outbox (issue 5): a SQLite file in WAL mode in front of the uplink.
 *
 * Durability: synchronous=FULL for every commit. In WAL mode NORMAL skips the fsync of the WAL on
 * commit, so a power cut can roll back the last transactions (https://sqlite.org/pragma.html#pragma_synchronous);
 * an alert whose append() resolved must survive a power cut, so FULL. Its cost is paid once per tick,
 * not per item: appends of one event-loop turn are buffered and committed in one transaction
 * (setImmediate), and append() resolves only after that commit, so a resolved append is on disk.
 * performance.md: ~330k rows/s at 100 rows per transaction against ~7.6k single-row commits/s.
 *
 * In-flight state lives in memory only: after a restart nothing is in flight and every
 * unacknowledged item is sent again (at least once; the cloud dedupes by item id). Keys are
 * AUTOINCREMENT so a key is never reused within a file, which the per-channel take cursor relies on.
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
  private readonly commitAcknowledge: (keys: readonly number[], result: { deleted: number; latest: number | null }) => void;

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
  ) {
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
    this.deleteOne = this.db.prepare('DELETE FROM outbox WHERE key = ? RETURNING event_time');
    this.putWatermark = this.db.prepare(`INSERT INTO outbox_meta (name, value) VALUES ('${WATERMARK}', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`);
    // The row with the lowest key was appended first, whatever the clock did since.
    this.selectOldest = this.db.prepare('SELECT appended_at FROM outbox ORDER BY key LIMIT 1');
    this.selectEarliest = this.db.prepare('SELECT MIN(event_time) AS earliest FROM outbox');
    this.commitAppends = this.db.transaction((batch: PendingAppend[]) => this.insert(batch));
    this.commitAcknowledge = this.db.transaction((keys: readonly number[], result: { deleted: number; latest: number | null }) => this.delete(keys, result));
    this.depth = Number((this.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n);
    const watermark = this.db.prepare(`SELECT value FROM outbox_meta WHERE name = '${WATERMARK}'`).get() as { value: number } | undefined;
    this.latestAcknowledged = watermark ? Number(watermark.value) : null;
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

  async take(maxItems: number): Promise<OutboxBatch | null> {
    this.assertOpen();
    for (const channel of OUTBOX_CHANNELS) {
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
    const result = { deleted: 0, latest: this.latestAcknowledged };
    this.commitAcknowledge(keys, result);
    // Memory follows only a committed transaction; a failed one throws above and changes nothing.
    this.depth -= result.deleted;
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
    return {
      depth: this.depth,
      oldest_appended_at: oldest ? Number(oldest.appended_at) : null,
      earliest_pending_event_time: earliest.earliest === null ? null : Number(earliest.earliest),
      latest_acknowledged_event_time: this.latestAcknowledged,
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
      append.resolve();
    }
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
  private delete(keys: readonly number[], result: { deleted: number; latest: number | null }): void {
    for (const key of keys) {
      const row = this.deleteOne.get(key) as { event_time: number } | undefined;
      if (!row) continue;
      result.deleted++;
      result.latest = Math.max(result.latest ?? Number(row.event_time), Number(row.event_time));
    }
    if (result.latest !== this.latestAcknowledged) this.putWatermark.run(result.latest);
  }

  private assertOpen(): void {
    if (!this.db.open) throw new Error(`${this.path}: outbox closed`);
  }
}
