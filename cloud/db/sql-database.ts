/**
 * The SQL seam of the cloud: PostgreSQL through pg in production, PGlite (PostgreSQL compiled to
 * WebAssembly, in a local folder) as the embedded default. Repositories are written once against
 * this interface and one PostgreSQL dialect.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
