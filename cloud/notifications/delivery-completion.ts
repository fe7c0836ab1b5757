import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { timestampParam } from '../db/sql-values.js';
import type { SendOutcome } from './channels/channel.js';
import type { ClaimedDelivery } from './delivery-claims.js';
import { MAX_ATTEMPTS, MAX_DELIVERY_AGE_MS, retryDelayMs } from './delivery-policy.js';

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'retrying' | 'dead' | 'cancelled';

/** What a completed attempt made of its delivery; null when this instance had lost it (its lease lapsed and another claimed it). */
export type CompletedStatus = Extract<DeliveryStatus, 'sent' | 'retrying' | 'dead' | 'cancelled'> | null;

/** Called inside the completing transaction when a delivery goes dead. */
export type DeadLetterHook = (tx: SqlExecutor, delivery: ClaimedDelivery, lastError: string) => Promise<void>;

/**
 * Records an attempt's answer and moves its delivery on, in one transaction that first locks the
 * notification (the order the queue's cancel takes locks in): sent; or, after a failure, cancelled
 * when the notification was cancelled while the request was out, dead when the failure is permanent
 * or the delivery has used MAX_ATTEMPTS or MAX_DELIVERY_AGE_MS (a channel test is never retried),
 * else retrying after the back-off (or the receiver's own Retry-After, when longer).
 */
export async function completeDelivery(db: SqlDatabase, delivery: ClaimedDelivery, outcome: SendOutcome, latencyMs: number, now: number, onDead: DeadLetterHook): Promise<CompletedStatus> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string }>('SELECT status FROM notifications WHERE id = $1 FOR UPDATE', [delivery.notificationId]);
    const notificationStatus = rows[0]?.status ?? 'cancelled';
    await tx.query(
      `UPDATE notification_attempts SET http_status = $2, answer_code = $3, classification = $4, error = $5, latency_ms = $6 WHERE id = $1`,
      [delivery.attemptId, outcome.httpStatus, outcome.answerCode, outcome.classification, outcome.error, Math.round(latencyMs)],
    );
    const status = nextStatus(delivery, outcome, notificationStatus, now);
    const at = timestampParam(now);
    const retryAt = timestampParam(now + Math.max(retryDelayMs(delivery.attempt), outcome.retryAfterMs ?? 0));
    const { rowCount } = await tx.query(
      `UPDATE notification_deliveries SET
         status = $3, last_error = $4, lease_until = NULL, claim_token = NULL,
         sent_at = CASE WHEN $3 = 'sent' THEN $5::timestamptz ELSE sent_at END,
         dead_at = CASE WHEN $3 = 'dead' THEN $5::timestamptz ELSE dead_at END,
         next_attempt_at = CASE WHEN $3 = 'retrying' THEN $6::timestamptz ELSE next_attempt_at END,
         cancelled_reason = CASE WHEN $3 = 'cancelled' THEN 'notification ' || $7 ELSE cancelled_reason END
       WHERE id = $1 AND claim_token = $2 AND status = 'sending'`,
      [delivery.deliveryId, delivery.claimToken, status, outcome.error, at, retryAt, notificationStatus],
    );
    if (rowCount !== 1) return null;
    if (status === 'dead') await onDead(tx, delivery, outcome.error ?? outcome.classification);
    await finishNotificationIfDone(tx, delivery.notificationId, now);
    return status;
  });
}

function nextStatus(delivery: ClaimedDelivery, outcome: SendOutcome, notificationStatus: string, now: number): Exclude<CompletedStatus, null> {
  if (outcome.classification === 'ok') return 'sent';
  if (notificationStatus !== 'queued') return 'cancelled';
  if (outcome.classification === 'permanent' || delivery.purpose === 'channel_test') return 'dead';
  if (delivery.attempt >= MAX_ATTEMPTS || now - delivery.queuedAt >= MAX_DELIVERY_AGE_MS) return 'dead';
  return 'retrying';
}

/**
 * A notification whose deliveries are all done is sent (one reached a channel), dead (none did,
 * one gave up) or cancelled (each was cancelled: its channel went away, its group emptied); the
 * members of a group take the group's outcome. A notification cancelled meanwhile stays so.
 */
export async function finishNotificationIfDone(tx: SqlExecutor, notificationId: string, now: number): Promise<void> {
  const { rows } = await tx.query<{ open: number | string; sent: number | string; dead: number | string }>(
    `SELECT count(*) FILTER (WHERE status IN ('queued', 'sending', 'retrying')) AS open, count(*) FILTER (WHERE status = 'sent') AS sent,
            count(*) FILTER (WHERE status = 'dead') AS dead
     FROM notification_deliveries WHERE notification_id = $1`,
    [notificationId],
  );
  const counts = rows[0]!;
  if (Number(counts.open) > 0) return;
  const outcome = Number(counts.sent) > 0 ? 'sent' : Number(counts.dead) > 0 ? 'dead' : 'cancelled';
  const at = timestampParam(now);
  const { rowCount } = await tx.query(`UPDATE notifications SET status = $2, finished_at = $3 WHERE id = $1 AND status = 'queued'`, [notificationId, outcome, at]);
  if (rowCount === 1) await tx.query(`UPDATE notifications SET status = $2, finished_at = $3 WHERE grouped_into = $1 AND status = 'queued'`, [notificationId, outcome, at]);
}
