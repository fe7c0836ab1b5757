import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { share, type Share } from './kpi-figures.js';
import { ticketsInWindow, type KpiWindow } from './kpi-window.js';

/** The false-alarm rate of one care or device rule. */
export interface RuleFalseAlarms {
  rule: string;
  falseAlarms: Share;
}

/**
 * The false-alarm rate (误报率) per rule: the number that tells whether a rule sends people out for
 * nothing. Over the tickets of the estate (and category) opened in the period and resolved by now:
 * count = resolved with outcome_code false_alarm; of = resolved. Tickets not yet resolved are not
 * counted (what they were is not known yet). Highest rate first, then most false alarms, then by rule.
 */
export async function falseAlarmsByRule(db: SqlExecutor, window: KpiWindow): Promise<RuleFalseAlarms[]> {
  const params = new SqlParams();
  const { rows } = await db.query<{ rule: string; resolved: string | number; false_alarms: string | number }>(
    `SELECT t.rule, count(*) AS resolved, count(*) FILTER (WHERE t.outcome_code = 'false_alarm') AS false_alarms
     FROM tickets t
     WHERE ${ticketsInWindow(window, params, 't.opened_at')} AND t.resolved_at IS NOT NULL
     GROUP BY t.rule`,
    params.values,
  );
  return rows
    .map((row) => ({ rule: row.rule, falseAlarms: share(Number(row.false_alarms), Number(row.resolved)) }))
    .sort((a, b) => (b.falseAlarms.rate ?? 0) - (a.falseAlarms.rate ?? 0) || b.falseAlarms.count - a.falseAlarms.count || a.rule.localeCompare(b.rule));
}
