import { migrate } from '../../cloud/db/migrate.js';
import type { Migration } from '../../cloud/db/migrations/index.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { createTestPostgresDatabase } from './postgres.js';

export interface OpenedSqlDatabase {
  db: SqlDatabase;
  /** Closes the database and, for PostgreSQL, drops it. */
  cleanup(): Promise<void>;
}

export interface SqlBackend {
  name: 'postgres' | 'pglite';
  /** A fresh, migrated, empty database; `migrations` to stop at an earlier schema (all by default). */
  open(migrations?: readonly Migration[]): Promise<OpenedSqlDatabase>;
}

/** The two SQL databases every SQL repository is tested on: real PostgreSQL and in-memory PGlite. */
export const SQL_BACKENDS: readonly SqlBackend[] = [
  {
    name: 'postgres',
    async open(migrations) {
      const database = await createTestPostgresDatabase();
      const db = await openDatabase({ url: database.url });
      await migrate(db, undefined, migrations);
      return {
        db,
        cleanup: async () => {
          await db.close();
          await database.drop();
        },
      };
    },
  },
  {
    name: 'pglite',
    async open(migrations) {
      const db = await openDatabase({ pglite_dir: null });
      await migrate(db, undefined, migrations);
      return { db, cleanup: () => db.close() };
    },
  },
];
