import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The part of better-sqlite3 the gateway uses, typed here: the package ships no types of its own
 * and @types/better-sqlite3 is not a dependency. better-sqlite3 is synchronous, which is what the
 * rule engine needs inside the drivers' sink calls.
 */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}

export interface SqliteDatabase {
  readonly open: boolean;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(sql: string): SqliteDatabase;
  prepare(sql: string): SqliteStatement;
  /** Wraps fn in BEGIN/COMMIT; a throw inside rolls back and rethrows. */
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}

type SqliteConstructor = new (path: string, options?: { timeout?: number }) => SqliteDatabase;

const require = createRequire(import.meta.url);
let constructor: SqliteConstructor | null = null;

/** How hard a commit waits for the disk (https://sqlite.org/pragma.html#pragma_synchronous). */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/** Wait for a lock held by another connection (a second process on the same file), in ms. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating the folder and file when missing) a SQLite database in WAL mode. With WAL and
 * synchronous=FULL a committed transaction survives a power cut (https://sqlite.org/wal.html);
 * readers on other connections see every committed transaction.
 *
 * pageSize, in bytes, is the page size a new file is made with; a file that has another is
 * rewritten with it (setPageSize). Without it a new file has SQLite's default of 4,096.
 */
export function openSqlite(path: string, synchronous: SqliteSynchronous, pageSize?: number): SqliteDatabase {
  constructor ??= require('better-sqlite3') as SqliteConstructor;
  mkdirSync(dirname(path), { recursive: true });
  const db = new constructor(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    // Before WAL: a file in WAL mode keeps the page size it has (https://sqlite.org/pragma.html#pragma_page_size).
    if (pageSize !== undefined) db.pragma(`page_size = ${pageSize}`);
    toWal(db, path);
    if (pageSize !== undefined && db.pragma('page_size', { simple: true }) !== pageSize) setPageSize(db, path, pageSize);
    db.pragma(`synchronous = ${synchronous}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function toWal(db: SqliteDatabase, path: string): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`${path}: journal_mode is ${String(mode)}, not wal`);
}

/**
 * Rewrites an existing file with another page size: only VACUUM outside WAL mode changes it
 * (https://sqlite.org/pragma.html#pragma_page_size). VACUUM goes through the rollback journal, so a
 * power cut during it leaves the file as it was before.
 */
function setPageSize(db: SqliteDatabase, path: string, pageSize: number): void {
  db.pragma('synchronous = FULL');
  const mode = db.pragma('journal_mode = DELETE', { simple: true });
  if (mode !== 'delete') throw new Error(`${path}: journal_mode is ${String(mode)}, not delete, so its page size cannot change`);
  db.pragma(`page_size = ${pageSize}`);
  db.exec('VACUUM');
  toWal(db, path);
}
