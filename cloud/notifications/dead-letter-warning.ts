import type { SqlExecutor } from '../db/sql-database.js';
import type { ClaimedDelivery } from './delivery-claims.js';
import type { DeadLetterHook } from './delivery-completion.js';
import type { NotificationQueue } from './notification-queue.js';
import { PURPOSES_WITHOUT_DEAD_LETTER_WARNING } from './notification-purpose.js';

/** Active accounts holding admin in the estate, or in every estate. */
async function estateAdmins(tx: SqlExecutor, estateId: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT DISTINCT s.id FROM staff s JOIN staff_roles r ON r.staff_id = s.id
     WHERE r.role = 'admin' AND (r.estate_id = $1 OR r.estate_id IS NULL) AND s.disabled_at IS NULL ORDER BY s.id`,
    [estateId],
  );
  return rows.map((row) => row.id);
}

/**
 * A delivery that went dead is told to the estate's administrators, in the same transaction, as a
 * 'dead_letter_warning' due now: on the estate's other channels and the log (delivery-release.ts),
 * never about the ticket's own chain (no ticket_id, so acknowledging the ticket does not cancel
 * it). A dead warning or channel test raises none: no warnings about warnings. One warning per
 * time a delivery goes dead (a dead letter re-queued by hand may die again, and is warned again).
 */
export function deadLetterWarning(queue: NotificationQueue, now: () => number): DeadLetterHook {
  return async (tx: SqlExecutor, delivery: ClaimedDelivery, lastError: string) => {
    if (PURPOSES_WITHOUT_DEAD_LETTER_WARNING.has(delivery.purpose)) return;
    const at = now();
    await queue.enqueue(tx, {
      estateId: delivery.estateId,
      ticketId: null,
      purpose: 'dead_letter_warning',
      chain: null,
      step: 0,
      recipientStaffIds: await estateAdmins(tx, delivery.estateId),
      audience: 'admin',
      sendAt: at,
      // queuedAt is reset when a dead letter is re-queued by hand: each death of it warns once.
      dedupeKey: `dead_letter:${delivery.deliveryId}:${delivery.queuedAt}`,
      details: {
        delivery_id: delivery.deliveryId,
        channel_id: delivery.target.id,
        channel_kind: delivery.target.kind,
        channel_name: delivery.channelName ?? 'log',
        failed_purpose: delivery.purpose,
        ticket_id: delivery.ticketId,
        last_error: lastError,
      },
    });
  };
}
