import type { SqlExecutor } from './sql-database.js';
import type { SqlParams } from './sql-params.js';

/**
 * SELECT columns FROM table WHERE every condition ORDER BY order. Conditions are SQL built with
 * params (the caller's scope first), so a repository cannot list rows without its scope.
 */
export async function selectWhere<R>(
  tx: SqlExecutor,
  params: SqlParams,
  query: { columns: string; from: string; where: readonly string[]; orderBy: string },
): Promise<R[]> {
  const { rows } = await tx.query<R>(
    `SELECT ${query.columns} FROM ${query.from} WHERE ${query.where.join(' AND ')} ORDER BY ${query.orderBy}`,
    params.values,
  );
  return rows;
}
