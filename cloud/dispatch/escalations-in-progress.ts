import type { SqlExecutor } from '../db/sql-database.js';
import type { EscalationAudience, EscalationChainName } from '../tickets/ticket-policy.js';

/** The latest step a chain of a ticket has reached, while what the chain waits for has not happened. */
export interface EscalationInProgress {
  ticketId: string;
  chain: EscalationChainName;
  /** 1 for the chain's first step. */
  step: number;
  /** Repeats of the step so far (renotify_every_minutes); 0 for its first telling. */
  round: number;
  audience: EscalationAudience;
  /** When the step was taken (epoch ms). */
  at: number;
  /** The deadline the chain counts from (epoch ms). */
  deadline: number;
  recipients: Array<{ staffId: string; displayName: string }>;
}

/**
 * Escalations (升级) still running in an estate, newest first: per ticket and chain, the last
 * 'escalated' entry of its audit trail (work-order-desk.ts writes one per step and round), where
 * the chain still waits: acceptance for "ack" (counted from the latest assignment: a reassigned
 * ticket starts a new window), arrival for "on_site", the follow-up call for "follow_up". A ticket
 * on hold has a supervisor's new due time and is left out.
 */
export async function escalationsInProgress(db: SqlExecutor, estateId: string): Promise<EscalationInProgress[]> {
  const { rows } = await db.query<{ ticket_id: string; at: Date; details: { chain: EscalationChainName; step: number; round: number; audience: EscalationAudience; recipients?: string[]; deadline: string } }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (t.id, a.details->>'chain') t.id AS ticket_id, a.at, a.details
       FROM tickets t JOIN ticket_audit a ON a.ticket_id = t.id AND a.action = 'escalated'
       WHERE t.estate_id = $1 AND (
         (a.details->>'chain' = 'ack' AND t.status IN ('open', 'assigned') AND (t.assigned_at IS NULL OR a.at >= t.assigned_at))
         OR (a.details->>'chain' = 'on_site' AND t.status IN ('open', 'assigned', 'acknowledged'))
         OR (a.details->>'chain' = 'follow_up' AND t.status = 'resolved'))
       ORDER BY t.id, a.details->>'chain', a.id DESC) latest
     ORDER BY at DESC`,
    [estateId],
  );
  const staffIds = [...new Set(rows.flatMap((row) => row.details.recipients ?? []))];
  const names = staffIds.length
    ? new Map((await db.query<{ id: string; display_name: string }>('SELECT id, display_name FROM staff WHERE id = ANY($1::text[])', [staffIds])).rows.map((row) => [row.id, row.display_name]))
    : new Map<string, string>();
  return rows.map((row) => ({
    ticketId: row.ticket_id,
    chain: row.details.chain,
    step: row.details.step + 1,
    round: row.details.round,
    audience: row.details.audience,
    at: new Date(row.at).getTime(),
    deadline: Date.parse(row.details.deadline),
    recipients: (row.details.recipients ?? []).map((staffId) => ({ staffId, displayName: names.get(staffId) ?? staffId })),
  }));
}
