import type { AlertCategory } from '../../shared/contract/index.js';
import type { SqlExecutor } from '../db/sql-database.js';
import type { SqlParams } from '../db/sql-params.js';
import { epochMs, timestampParam } from '../db/sql-values.js';
import type { KpiBucket, KpiQuery } from './kpi-period.js';

/** A KPI query resolved against its estate: the period as instants, and the moment the figures are as of. */
export interface KpiWindow {
  estateId: string;
  timeZone: string;
  /** 00:00 of the first day, local time. */
  fromAt: number;
  /** 00:00 of the day after the last day, local time (excluded). */
  toAt: number;
  /** Deadlines after this have not passed yet: what they will count as is not known. */
  asOf: number;
  category: AlertCategory | null;
  bucket: KpiBucket;
}

/**
 * The window of a query, or null for an unknown estate. The local midnights are converted by
 * PostgreSQL's time zone database (AT TIME ZONE with the estate's IANA zone, daylight saving
 * included), the same on PGlite.
 */
export async function resolveWindow(db: SqlExecutor, query: KpiQuery, asOf: number): Promise<KpiWindow | null> {
  const { rows } = await db.query<{ time_zone: string; from_at: unknown; to_at: unknown }>(
    `SELECT time_zone,
            ($2::date::timestamp AT TIME ZONE time_zone) AS from_at,
            (($3::date + 1)::timestamp AT TIME ZONE time_zone) AS to_at
     FROM estates WHERE id = $1`,
    [query.estateId, query.from, query.to],
  );
  const row = rows[0];
  if (!row) return null;
  return { estateId: query.estateId, timeZone: row.time_zone, fromAt: epochMs(row.from_at), toAt: epochMs(row.to_at), asOf, category: query.category, bucket: query.bucket };
}

/**
 * SQL conditions on a tickets row `t` whose `timeColumn` falls in the window: the estate, the
 * category when one is asked for, and from <= time < to.
 */
export function ticketsInWindow(window: KpiWindow, params: SqlParams, timeColumn: string): string {
  const conditions = [
    `t.estate_id = ${params.add(window.estateId)}`,
    `${timeColumn} >= ${params.add(timestampParam(window.fromAt))}::timestamptz`,
    `${timeColumn} < ${params.add(timestampParam(window.toAt))}::timestamptz`,
  ];
  if (window.category) conditions.push(`t.type = ${params.add(window.category)}`);
  return conditions.join(' AND ');
}

/** SQL: the first local day (YYYY-MM-DD) of the bucket holding `timeColumn`; date_trunc('week') starts weeks on Monday (ISO 8601). */
export function bucketOf(window: KpiWindow, params: SqlParams, timeColumn: string): string {
  return `to_char(date_trunc(${params.add(window.bucket)}, ${timeColumn} AT TIME ZONE ${params.add(window.timeZone)}), 'YYYY-MM-DD')`;
}

/** The "as of" instant as a timestamptz parameter. */
export function asOfParam(window: KpiWindow, params: SqlParams): string {
  return `${params.add(timestampParam(window.asOf))}::timestamptz`;
}
