import type { SqlExecutor } from '../db/sql-database.js';

/** An estate as the console names it and tells its time: every time on a page is in this zone. */
export interface ConsoleEstate {
  id: string;
  name: string;
  time_zone: string;
}

export type EstateDirectory = (estateIds: readonly string[]) => Promise<ConsoleEstate[]>;

/** Names and time zones of the estates a signed-in person serves, from the registry's table. */
export function sqlEstateDirectory(db: SqlExecutor): EstateDirectory {
  return async (estateIds) => {
    if (estateIds.length === 0) return [];
    const { rows } = await db.query<ConsoleEstate>(
      'SELECT id, name, time_zone FROM estates WHERE id = ANY($1::text[]) ORDER BY name, id',
      [[...estateIds]],
    );
    return rows;
  };
}
