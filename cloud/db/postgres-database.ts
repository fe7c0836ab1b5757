import pg from 'pg';
import type { Logger } from '../../shared/log/logger.js';
import type { QueryResult, SqlDatabase, SqlExecutor } from './sql-database.js';

/** Connections the pool opens at most; PostgreSQL's own default limit is 100 for the whole server. */
export const DEFAULT_POOL_SIZE = 10;
/** How long to wait for a connection (new or from the pool) before the query fails; pg waits forever by default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface PostgresDatabaseOptions {
  maxConnections?: number;
  connectTimeoutMs?: number;
  logger?: Logger;
}

/** SqlDatabase over a pg Pool; a transaction holds one pooled connection from BEGIN to COMMIT/ROLLBACK. */
export class PostgresDatabase implements SqlDatabase {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private closed = false;

  constructor(connectionString: string, options: PostgresDatabaseOptions = {}) {
    this.pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    // An idle client that loses its connection emits 'error' on the pool; unhandled, it ends the process.
    this.pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL connection failed'));
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return runQuery<R>(this.pool, sql, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client whose server connection ends (a restart, a failover) emits 'error' on
    // itself, not on the pool, besides failing the query under way (node-postgres client.js,
    // _handleErrorWhileConnected); unheard, it would end the process. The connection is then broken.
    const onConnectionError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onConnectionError);
    try {
      await client.query('BEGIN');
      const result = await fn({ query: (sql, params) => runQuery(client, sql, params) });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable; release(error) destroys it instead of returning it to the pool.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.off('error', onConnectionError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

async function runQuery<R>(
  queryable: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly unknown[] | undefined,
): Promise<QueryResult<R>> {
  const result = await queryable.query(sql, params ? [...params] : undefined);
  return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
}
