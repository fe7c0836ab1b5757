import type { SqlExecutor } from './sql-database.js';

/** True when the database answers a trivial query; never throws (health checks, ingest's outage test). */
export async function databaseAnswers(db: SqlExecutor): Promise<boolean> {
  try {
    await db.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
