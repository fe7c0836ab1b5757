import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { share, type Share } from './kpi-figures.js';
import { asOfParam, bucketOf, ticketsInWindow, type KpiWindow } from './kpi-window.js';
import type { FiguresByBucket } from './opened-ticket-kpis.js';

/**
 * The follow-up rate (回访率) over the follow-up calls that fell due in the period, each bucket
 * holding those due in it (not the tickets opened in it: a call falls due a day or so after the
 * visit, so yesterday's digest reports the calls due yesterday).
 *
 * of = tickets of the estate (and category) with follow_up_due_at in the period that is due by now,
 * or already followed up (a call made early counts); count = those followed up (followed_up_at set,
 * at any time up to now). A ticket closed by a supervisor without the call counts as due and not
 * followed up. Tickets that need no follow-up (false alarms, categories without one) are not counted.
 */
export async function followUpFigures(db: SqlExecutor, window: KpiWindow): Promise<FiguresByBucket<Share>> {
  const params = new SqlParams();
  const bucket = bucketOf(window, params, 't.follow_up_due_at');
  const inWindow = ticketsInWindow(window, params, 't.follow_up_due_at');
  const now = asOfParam(window, params);
  const { rows } = await db.query<{ bucket: string | null; whole: number; due: string | number; followed_up: string | number }>(
    `WITH due AS (
       SELECT ${bucket} AS bucket, t.followed_up_at
       FROM tickets t
       WHERE ${inWindow} AND (t.follow_up_due_at <= ${now} OR t.followed_up_at IS NOT NULL)
     )
     SELECT bucket, GROUPING(bucket) AS whole, count(*) AS due, count(followed_up_at) AS followed_up
     FROM due GROUP BY ROLLUP (bucket)`,
    params.values,
  );
  return new Map(rows.map((row) => [Number(row.whole) === 1 ? null : row.bucket, share(Number(row.followed_up), Number(row.due))]));
}
