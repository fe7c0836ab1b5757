import { newId } from '../../shared/ids.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { jsonParam, timestampParam } from '../db/sql-values.js';
import type { NotificationPurpose } from './notification-purpose.js';

export type { NotificationPurpose } from './notification-purpose.js';

/** One message to be sent at sendAt, as whoever decided it is due describes it. */
export interface QueuedNotification {
  id?: string;
  estateId: string;
  ticketId: string | null;
  purpose: NotificationPurpose;
  /** The escalation chain it belongs to ("ack", "on_site"...): cancelChain stops the rest of it. */
  chain: string | null;
  /** Its step in the chain: 0 the first notice, 1 the first escalation... */
  step: number;
  recipientStaffIds: string[];
  /** Who it is for, in words the message shows: a role ("supervisor"), "assignee", "informed". */
  audience: string;
  /** Epoch ms. */
  sendAt: number;
  /** The same key twice is one notification: an enqueue repeated by a retry or a second instance changes nothing. */
  dedupeKey: string;
  /**
   * Notifications of the estate with the same key due within GROUPING_WINDOW_MS of the first go
   * out as one message (device-offline storms: "12 devices offline").
   */
  groupKey?: string | null;
  /** Facts for the message beyond the ticket (a dead letter's channel and error). */
  details?: Record<string, unknown>;
}

/**
 * The queue's door: enqueue and cancel run inside the caller's transaction, so a notification is
 * queued exactly when the change that calls for it commits, and cancelled exactly when the
 * acknowledgement does. The dispatcher (notification-dispatcher.ts) sends what falls due on its
 * interval; a caller that enqueued something due now calls its wake() once the transaction has
 * committed (before that, the dispatcher cannot see the row).
 */
export class NotificationQueue {
  constructor(private readonly clock: Clock) {}

  /** False when a notification with this dedupe key exists already (nothing is changed). */
  async enqueue(tx: SqlExecutor, n: QueuedNotification): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO notifications (id, estate_id, ticket_id, purpose, chain, step, recipient_staff_ids, audience, send_at, dedupe_key, group_key, details, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12::jsonb, 'queued', $13)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [
        n.id ?? newId(),
        n.estateId,
        n.ticketId,
        n.purpose,
        n.chain,
        n.step,
        n.recipientStaffIds,
        n.audience,
        timestampParam(n.sendAt),
        n.dedupeKey,
        n.groupKey ?? null,
        jsonParam(n.details ?? {}),
        timestampParam(this.clock.now()),
      ],
    );
    return rowCount === 1;
  }

  /** Cancels what is still to be sent of one chain of a ticket (its acknowledgement stops the escalation). */
  cancelChain(tx: SqlExecutor, ticketId: string, chain: string, reason: string): Promise<number> {
    return this.cancelWhere(tx, 'ticket_id = $1 AND chain = $2', [ticketId, chain], reason);
  }

  /** Cancels everything still to be sent about a ticket (resolved, closed, a false alarm). */
  cancelTicket(tx: SqlExecutor, ticketId: string, reason: string): Promise<number> {
    return this.cancelWhere(tx, 'ticket_id = $1', [ticketId], reason);
  }

  /**
   * Marks the queued notifications cancelled, and their deliveries still waiting (queued, or
   * retrying after a failure) with them. A delivery is claimed only together with a re-check of its
   * notification (delivery-claims.ts), so none of these is sent after this commits; one whose
   * request is on the wire at this moment cannot be recalled, and is recorded as what it became.
   * Locks notifications before deliveries, the order the dispatcher takes them in.
   */
  private async cancelWhere(tx: SqlExecutor, condition: string, params: unknown[], reason: string): Promise<number> {
    const at = timestampParam(this.clock.now());
    const reasonParam = `$${params.length + 1}`;
    const atParam = `$${params.length + 2}`;
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE notifications SET status = 'cancelled', cancelled_reason = ${reasonParam}, finished_at = ${atParam}
       WHERE ${condition} AND status = 'queued' RETURNING id`,
      [...params, reason, at],
    );
    if (rows.length === 0) return 0;
    await tx.query(
      `UPDATE notification_deliveries SET status = 'cancelled', cancelled_reason = $2, lease_until = NULL
       WHERE notification_id = ANY($1::text[]) AND status IN ('queued', 'retrying')`,
      [rows.map((row) => row.id), reason],
    );
    return rows.length;
  }
}
