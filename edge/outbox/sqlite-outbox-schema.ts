import type { SqliteDatabase } from '../storage/sqlite.js';

/** Bumped with every change of the tables below; a newer file is refused rather than misread. */
export const OUTBOX_SCHEMA_VERSION = 1;

/**
 * key is the rowid (INTEGER PRIMARY KEY), so it grows with append order and "oldest first" is
 * ORDER BY key; AUTOINCREMENT keeps a deleted key from being reused (plain rowids restart at
 * MAX(rowid) + 1, so an emptied table would hand out keys again, below the take cursor). outbox_take serves take(): one index seek per channel finds the oldest item of a
 * priority even with a million readings queued. outbox_event_time serves stats(): MIN(event_time) is
 * one seek instead of a scan of the backlog. outbox_meta holds the delivery watermark so it survives
 * restarts (the status message reports it; the cloud uses it to tell an outage from silence).
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    priority INTEGER NOT NULL,
    event_time INTEGER NOT NULL,
    appended_at INTEGER NOT NULL,
    item TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS outbox_take ON outbox (priority, key);
  CREATE INDEX IF NOT EXISTS outbox_event_time ON outbox (event_time);
  CREATE TABLE IF NOT EXISTS outbox_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

/** Creates the tables when missing; throws (leaving the database open) on a newer schema. */
export function applyOutboxSchema(db: SqliteDatabase, path: string): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > OUTBOX_SCHEMA_VERSION) throw new Error(`${path}: outbox schema ${version} is newer than this software's ${OUTBOX_SCHEMA_VERSION}`);
  db.exec(SCHEMA);
  db.pragma(`user_version = ${OUTBOX_SCHEMA_VERSION}`);
}
