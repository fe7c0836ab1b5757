import { mkdir } from 'node:fs/promises';
import { PGlite, type Results } from '@electric-sql/pglite';
import type { QueryResult, SqlDatabase, SqlExecutor } from './sql-database.js';

/**
 * SqlDatabase over PGlite (PostgreSQL compiled to WebAssembly) in one process. PGlite runs one query
 * at a time: a transaction holds it exclusively, so code inside a transaction must use the tx it was
 * given, never the database itself (that would wait for the transaction forever).
 */
export class PgliteDatabase implements SqlDatabase {
  readonly kind = 'pglite' as const;
  private closed = false;

  private constructor(private readonly pglite: PGlite) {}

  /** Opens the database kept in dataDir (created when missing), or an in-memory one when dataDir is null. */
  static async open(dataDir: string | null): Promise<PgliteDatabase> {
    if (dataDir === null) return new PgliteDatabase(await PGlite.create());
    await mkdir(dataDir, { recursive: true });
    return new PgliteDatabase(await PGlite.create(dataDir));
  }

  async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return toQueryResult(await this.pglite.query<R>(sql, params ? [...params] : undefined));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // PGlite issues BEGIN, COMMIT when fn resolves and ROLLBACK when it throws.
    return this.pglite.transaction((tx) =>
      fn({
        query: async <R>(sql: string, params?: readonly unknown[]) =>
          toQueryResult(await tx.query<R>(sql, params ? [...params] : undefined)),
      }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pglite.close();
  }
}

function toQueryResult<R>(result: Results<R>): QueryResult<R> {
  // rowCount is the statement's own count (rows returned or changed); affectedRows sums a whole script.
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
}
