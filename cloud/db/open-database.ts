import type { Logger } from '../../shared/log/logger.js';
import { PgliteDatabase } from './pglite-database.js';
import { PostgresDatabase } from './postgres-database.js';
import type { SqlDatabase } from './sql-database.js';

/** PostgreSQL by connection string, or PGlite in a folder (null: in memory, for tests and throwaway demos). */
export type DatabaseConfig = { url: string } | { pglite_dir: string | null };

/**
 * Opens the configured database and checks that it answers, so a wrong URL fails at start with the
 * reason instead of at the first alert.
 */
export async function openDatabase(config: DatabaseConfig, logger?: Logger): Promise<SqlDatabase> {
  const db: SqlDatabase =
    'url' in config ? new PostgresDatabase(config.url, { logger }) : await PgliteDatabase.open(config.pglite_dir);
  try {
    await db.query('SELECT 1');
  } catch (error) {
    await db.close().catch(() => undefined);
    const where = 'url' in config ? redactPassword(config.url) : `PGlite in ${config.pglite_dir ?? 'memory'}`;
    throw new Error(`cannot reach the database at ${where}: ${(error as Error).message}`, { cause: error });
  }
  return db;
}

/** postgres://user:secret@host/db -> postgres://user:***@host/db, for messages and logs. */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable database URL)';
  }
}
