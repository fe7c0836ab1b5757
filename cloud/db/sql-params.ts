/**
 * Collects positional parameters while a statement is assembled, so values are never spliced into
 * SQL text: `where.push(\`estate_id = ${params.add(estateId)}\`)`.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder ($1, $2, ...). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** " WHERE a AND b", or "" when there is no condition. */
export function whereClause(conditions: readonly string[]): string {
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}
