import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { share, type DurationSpread, type KpiFigures } from './kpi-figures.js';
import { asOfParam, bucketOf, ticketsInWindow, type KpiWindow } from './kpi-window.js';

/** The figures counted over the tickets opened in the period. */
export type OpenedTicketFigures = Pick<KpiFigures, 'opened' | 'acknowledgedInTime' | 'onSiteInTime' | 'timeToAcknowledge' | 'timeToArrive' | 'closure' | 'falseAlarms'>;

/** Per bucket (its first day), and for the whole period under the key null. */
export type FiguresByBucket<F> = Map<string | null, F>;

interface Row {
  bucket: string | null;
  whole: number;
  opened: string | number;
  ack_counted: string | number;
  ack_in_time: string | number;
  on_site_counted: string | number;
  on_site_in_time: string | number;
  ack_count: string | number;
  ack_spread: number[] | null;
  arrive_count: string | number;
  arrive_spread: number[] | null;
  closed: string | number;
  resolved: string | number;
  false_alarms: string | number;
}

/**
 * Figures over the tickets of the estate (and category) opened in the period, each bucket holding
 * the tickets opened in it. "Now" is the window's asOf. A ticket's SLA clock starts at
 * min(raised_at, opened_at): the condition on the estate, or the cloud opening the ticket when its
 * clock is ahead.
 *
 * - opened: every such ticket.
 * - acknowledgedInTime: count = acknowledged_at <= ack_due_at; of = tickets acknowledged, plus
 *   tickets never acknowledged whose ack deadline has passed by now without the ticket being resolved
 *   or closed first. Not counted: a ticket still waiting whose deadline is ahead (not yet late), and
 *   one resolved or closed before its deadline without an acknowledgement (a false alarm marked at
 *   once, a forced close): nothing was due. acknowledged_at is the acknowledgement in force: a
 *   hand-back or reassignment clears it, and the next one is measured against the same deadline.
 * - onSiteInTime: the same with on_site_at and on_site_due_at (which an approved hold moves to its
 *   new due time).
 * - timeToAcknowledge, timeToArrive: acknowledged_at (on_site_at) minus the SLA start, over the
 *   tickets acknowledged (arrived at); median and 90th percentile by percentile_cont (linear
 *   interpolation between the two nearest values).
 * - closure: count = closed by now; of = opened. The target is CLOSURE_TARGET.
 * - falseAlarms: count = resolved with outcome_code false_alarm; of = resolved by now.
 */
export async function openedTicketFigures(db: SqlExecutor, window: KpiWindow): Promise<FiguresByBucket<OpenedTicketFigures>> {
  const params = new SqlParams();
  const bucket = bucketOf(window, params, 't.opened_at');
  const inWindow = ticketsInWindow(window, params, 't.opened_at');
  const now = asOfParam(window, params);
  const { rows } = await db.query<Row>(
    `WITH cohort AS (
       SELECT ${bucket} AS bucket,
              LEAST(t.raised_at, t.opened_at) AS sla_start,
              t.ack_due_at, t.acknowledged_at, t.on_site_due_at, t.on_site_at,
              LEAST(t.resolved_at, t.closed_at) AS finished_at,
              t.resolved_at, t.closed_at, t.outcome_code
       FROM tickets t WHERE ${inWindow}
     )
     SELECT bucket, GROUPING(bucket) AS whole,
       count(*) AS opened,
       count(*) FILTER (WHERE acknowledged_at IS NOT NULL
                           OR (ack_due_at <= ${now} AND (finished_at IS NULL OR finished_at > ack_due_at))) AS ack_counted,
       count(*) FILTER (WHERE acknowledged_at <= ack_due_at) AS ack_in_time,
       count(*) FILTER (WHERE on_site_at IS NOT NULL
                           OR (on_site_due_at <= ${now} AND (finished_at IS NULL OR finished_at > on_site_due_at))) AS on_site_counted,
       count(*) FILTER (WHERE on_site_at <= on_site_due_at) AS on_site_in_time,
       count(acknowledged_at) AS ack_count,
       percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY extract(epoch FROM acknowledged_at - sla_start)::float8) AS ack_spread,
       count(on_site_at) AS arrive_count,
       percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY extract(epoch FROM on_site_at - sla_start)::float8) AS arrive_spread,
       count(closed_at) AS closed,
       count(resolved_at) AS resolved,
       count(*) FILTER (WHERE resolved_at IS NOT NULL AND outcome_code = 'false_alarm') AS false_alarms
     FROM cohort GROUP BY ROLLUP (bucket)`,
    params.values,
  );
  const figures: FiguresByBucket<OpenedTicketFigures> = new Map();
  for (const row of rows) {
    const opened = Number(row.opened);
    figures.set(Number(row.whole) === 1 ? null : row.bucket, {
      opened,
      acknowledgedInTime: share(Number(row.ack_in_time), Number(row.ack_counted)),
      onSiteInTime: share(Number(row.on_site_in_time), Number(row.on_site_counted)),
      timeToAcknowledge: spread(Number(row.ack_count), row.ack_spread),
      timeToArrive: spread(Number(row.arrive_count), row.arrive_spread),
      closure: share(Number(row.closed), opened),
      falseAlarms: share(Number(row.false_alarms), Number(row.resolved)),
    });
  }
  return figures;
}

function spread(count: number, percentiles: readonly (number | null)[] | null): DurationSpread {
  const [median, p90] = percentiles ?? [];
  return { count, medianS: count === 0 ? null : Number(median), p90S: count === 0 ? null : Number(p90) };
}
