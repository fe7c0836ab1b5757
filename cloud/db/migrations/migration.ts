/**
 * One schema change. Statements run one by one (PGlite's query() takes one statement at a time) in
 * the same transaction as the row that records the migration, so a migration applies fully or not at all.
 * Migrations are TypeScript modules, not .sql files, because tsc copies only .ts output into dist/.
 */
export interface Migration {
  /** Sorts in apply order; never renamed once released. */
  id: string;
  statements: readonly string[];
}
