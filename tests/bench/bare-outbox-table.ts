import { CHANNEL_SPECS, fromWireTime, type ReadingItem } from '../../shared/contract/index.js';
import { applyOutboxSchema } from '../../edge/outbox/sqlite-outbox-schema.js';
import { openSqlite, type SqliteDatabase } from '../../edge/storage/sqlite.js';

/** One outbox row as the bare loop inserts it: key, channel, priority, event time, append time, item JSON. */
export type BareOutboxRow = [number, 'telemetry', number, number, number, string];

/** The row of reading `key`, serialised beforehand so the timed loop does only SQLite's work. */
export function bareOutboxRow(key: number, item: ReadingItem, appendedAt: number): BareOutboxRow {
  return [key, 'telemetry', CHANNEL_SPECS.telemetry.priority, fromWireTime(item.event_time), appendedAt, JSON.stringify(item)];
}

/**
 * The outbox's table written by a bare loop, the benchmarks' baseline for the outbox: the same file
 * setup, schema, indexes and pragmas as SqliteOutbox (openSqlite 'FULL', applyOutboxSchema), rows
 * inserted and deleted by key, one transaction per call. What SQLite must do for the outbox whatever
 * the outbox does around it.
 */
export class BareOutboxTable {
  private readonly db: SqliteDatabase;
  private readonly insertRows: (rows: readonly BareOutboxRow[]) => void;
  private readonly deleteKeys: (keys: readonly number[]) => void;

  constructor(path: string) {
    this.db = openSqlite(path, 'FULL');
    applyOutboxSchema(this.db, path);
    const insert = this.db.prepare('INSERT INTO outbox (key, channel, priority, event_time, appended_at, item) VALUES (?, ?, ?, ?, ?, ?)');
    const remove = this.db.prepare('DELETE FROM outbox WHERE key = ?');
    this.insertRows = this.db.transaction((rows: readonly BareOutboxRow[]) => {
      for (const row of rows) insert.run(...row);
    });
    this.deleteKeys = this.db.transaction((keys: readonly number[]) => {
      for (const key of keys) remove.run(key);
    });
  }

  /** One transaction. */
  insert(rows: readonly BareOutboxRow[]): void {
    this.insertRows(rows);
  }

  /** One transaction. */
  delete(keys: readonly number[]): void {
    this.deleteKeys(keys);
  }

  close(): void {
    this.db.close();
  }
}
