import type { SqlExecutor } from '../db/sql-database.js';
import type { Caller } from './caller.js';

/**
 * The operator at the terminal (`estatecare admin`, run where the database is reachable): admin of
 * every estate that exists now. Holds no care permissions: the operator sets up, never reads
 * residents' records.
 */
export async function loadOperatorCaller(db: SqlExecutor): Promise<Caller> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM estates ORDER BY id');
  return {
    identity: { kind: 'operator' },
    grants: rows.map((row) => ({ estateId: row.id, role: 'admin', buildingIds: null })),
    allEstates: true,
  };
}
