/**
 * Quoting for InfluxQL (InfluxDB 1.x query language, "Identifiers" and "Strings" in its spec):
 * identifiers go in double quotes, string literals in single quotes, and inside either a backslash
 * escapes the quote character and itself. Every value placed in a query passes through one of these.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A time literal: InfluxQL compares `time` with RFC 3339 strings. */
export function timeLiteral(epochMs: number): string {
  return quoteString(new Date(epochMs).toISOString());
}

/** `"db"."rp"."measurement"`, or `"measurement"` when no retention policy is named. */
export function qualifiedMeasurement(measurement: string, database: string, retentionPolicy?: string): string {
  return retentionPolicy === undefined
    ? quoteIdentifier(measurement)
    : [database, retentionPolicy, measurement].map(quoteIdentifier).join('.');
}
