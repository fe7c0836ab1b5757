import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { bucketOf, ticketsInWindow, type KpiWindow } from './kpi-window.js';

/** How often one step of one escalation chain was taken. */
export interface EscalationStepCount {
  chain: string;
  /** The step's place in the chain, 1 for its first step (the audit trail counts from 0). */
  step: number;
  count: number;
}

export interface EscalationFigures {
  /** Steps taken per bucket (its first day). */
  byBucket: Map<string, number>;
  /** Steps taken in the whole period, per chain and step, by chain then step. */
  bySteps: EscalationStepCount[];
  total: number;
}

/**
 * Escalations (升级) of the estate's tickets (of the category) taken in the period: the 'escalated'
 * entries of the audit trail with `at` in the period, each bucket holding those taken in it. Only
 * round 0 counts: the step's first notice; its renotifications (rounds 1, 2 ...) tell the same
 * people again about the same lateness. Chains: ack (nobody acknowledged), on_site (nobody
 * arrived), follow_up (the call was not made).
 */
export async function escalationFigures(db: SqlExecutor, window: KpiWindow): Promise<EscalationFigures> {
  const params = new SqlParams();
  const bucket = bucketOf(window, params, 'a.at');
  const inWindow = ticketsInWindow(window, params, 'a.at');
  const { rows } = await db.query<{ bucket: string; chain: string; step: number; count: string | number }>(
    `SELECT bucket, chain, step, count(*) AS count FROM (
       SELECT ${bucket} AS bucket, a.details->>'chain' AS chain, (a.details->>'step')::integer AS step
       FROM ticket_audit a JOIN tickets t ON t.id = a.ticket_id
       WHERE ${inWindow} AND a.action = 'escalated' AND (a.details->>'round')::integer = 0
     ) taken
     GROUP BY bucket, chain, step`,
    params.values,
  );
  const byBucket = new Map<string, number>();
  const bySteps = new Map<string, EscalationStepCount>();
  let total = 0;
  for (const row of rows) {
    const count = Number(row.count);
    total += count;
    byBucket.set(row.bucket, (byBucket.get(row.bucket) ?? 0) + count);
    const step = Number(row.step) + 1;
    const key = `${row.chain}/${step}`;
    const entry = bySteps.get(key) ?? { chain: row.chain, step, count: 0 };
    entry.count += count;
    bySteps.set(key, entry);
  }
  const chainOrder = ['ack', 'on_site', 'follow_up'];
  const rank = (chain: string) => (chainOrder.includes(chain) ? chainOrder.indexOf(chain) : chainOrder.length);
  return { byBucket, bySteps: [...bySteps.values()].sort((a, b) => rank(a.chain) - rank(b.chain) || a.chain.localeCompare(b.chain) || a.step - b.step), total };
}
