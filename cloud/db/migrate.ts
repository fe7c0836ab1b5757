import type { Logger } from '../../shared/log/logger.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { SqlDatabase, SqlExecutor } from './sql-database.js';

/**
 * Key of the advisory lock every cloud instance takes before migrating ("esmg" in ASCII). Two
 * instances starting together serialise here: the second waits, then finds nothing left to apply.
 */
export const MIGRATION_LOCK_KEY = 0x65736d67;

/**
 * Applies pending migrations in order, all in one transaction that first takes a transaction-scoped
 * advisory lock (released at COMMIT or ROLLBACK), records each in schema_migrations, and returns the
 * ids it applied. Safe to run again: applied migrations are skipped.
 */
export async function migrate(
  db: SqlDatabase,
  logger?: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        id text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const applied = new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const pending = migrations.filter((m) => !applied.has(m.id));
    for (const migration of pending) {
      await apply(tx, migration);
      logger?.info({ migration: migration.id }, 'migration applied');
    }
    return pending.map((m) => m.id);
  });
}

async function apply(tx: SqlExecutor, migration: Migration): Promise<void> {
  for (const statement of migration.statements) await tx.query(statement);
  await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
}
