/**
 * Conversions at the SQL boundary, the same for pg and PGlite. Times go in as ISO 8601 strings cast
 * to timestamptz (both drivers send a string unchanged) and come out as Date (both drivers parse
 * timestamptz to Date); TypeScript works in epoch ms. JSON goes in as text cast to jsonb, because pg
 * would turn a JS array into a PostgreSQL array literal, and comes out parsed.
 */
export function timestampParam(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function timestampParamOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : timestampParam(epochMs);
}

export function epochMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value);
  if (typeof value === 'number') return value;
  throw new TypeError(`expected a timestamp from the database, got ${typeof value}`);
}

export function epochMsOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : epochMs(value);
}

export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}

/** int8/bigserial: pg returns a string, PGlite a number. */
export function integer(value: unknown): number {
  return Number(value);
}
