import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, epochMsOrNull, timestampParam } from '../db/sql-values.js';
import type { ChannelKind } from './channels/channel-kind.js';
import type { AttemptClassification } from './channels/channel.js';
import type { DeliveryStatus } from './delivery-completion.js';
import type { NotificationPurpose } from './notification-purpose.js';

export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'retrying', 'dead', 'cancelled'] as const satisfies readonly DeliveryStatus[];

export interface AttemptRecord {
  at: number;
  channelKind: ChannelKind;
  httpStatus: number | null;
  answerCode: string | null;
  /** null while the request is in flight. */
  classification: AttemptClassification | null;
  error: string | null;
  latencyMs: number | null;
}

/** A delivery as the delivery log shows it. */
export interface DeliveryRecord {
  id: string;
  notificationId: string;
  ticketId: string | null;
  purpose: NotificationPurpose;
  channelId: string | null;
  channelName: string | null;
  channelKind: ChannelKind;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  queuedAt: number;
  nextAttemptAt: number;
  sentAt: number | null;
  deadAt: number | null;
  cancelledReason: string | null;
  lastAttempt: AttemptRecord | null;
}

interface DeliveryRow {
  id: string;
  notification_id: string;
  ticket_id: string | null;
  purpose: NotificationPurpose;
  channel_id: string | null;
  channel_name: string | null;
  channel_kind: ChannelKind | null;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  queued_at: Date;
  next_attempt_at: Date;
  sent_at: Date | null;
  dead_at: Date | null;
  cancelled_reason: string | null;
  attempt_at: Date | null;
  attempt_kind: ChannelKind | null;
  http_status: number | null;
  answer_code: string | null;
  classification: AttemptClassification | null;
  attempt_error: string | null;
  latency_ms: number | null;
}

/** The delivery log of an estate: every delivery with its last attempt, newest first. */
export class DeliveryLogRepository {
  async list(tx: SqlExecutor, estateId: string, filter: { status?: DeliveryStatus; limit: number; deliveryId?: string }): Promise<DeliveryRecord[]> {
    const { rows } = await tx.query<DeliveryRow>(
      `SELECT d.id, d.notification_id, n.ticket_id, n.purpose, d.channel_id, c.name AS channel_name, c.kind AS channel_kind, d.status, d.attempts, d.last_error,
              d.queued_at, d.next_attempt_at, d.sent_at, d.dead_at, d.cancelled_reason,
              a.at AS attempt_at, a.channel_kind AS attempt_kind, a.http_status, a.answer_code, a.classification, a.error AS attempt_error, a.latency_ms
       FROM notification_deliveries d
       JOIN notifications n ON n.id = d.notification_id
       LEFT JOIN notification_channels c ON c.id = d.channel_id
       LEFT JOIN LATERAL (SELECT * FROM notification_attempts x WHERE x.delivery_id = d.id ORDER BY x.id DESC LIMIT 1) a ON TRUE
       WHERE d.estate_id = $1 AND ($2::text IS NULL OR d.status = $2) AND ($4::text IS NULL OR d.id = $4)
       ORDER BY d.queued_at DESC, d.id DESC LIMIT $3`,
      [estateId, filter.status ?? null, filter.limit, filter.deliveryId ?? null],
    );
    return rows.map((row) => ({
      id: row.id,
      notificationId: row.notification_id,
      ticketId: row.ticket_id,
      purpose: row.purpose,
      channelId: row.channel_id,
      channelName: row.channel_name,
      channelKind: row.channel_kind ?? 'log',
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      queuedAt: epochMs(row.queued_at),
      nextAttemptAt: epochMs(row.next_attempt_at),
      sentAt: epochMsOrNull(row.sent_at),
      deadAt: epochMsOrNull(row.dead_at),
      cancelledReason: row.cancelled_reason,
      lastAttempt:
        row.attempt_at === null
          ? null
          : {
              at: epochMs(row.attempt_at),
              channelKind: row.attempt_kind ?? 'log',
              httpStatus: row.http_status,
              answerCode: row.answer_code,
              classification: row.classification,
              error: row.attempt_error,
              latencyMs: row.latency_ms,
            },
    }));
  }

  /**
   * Puts a dead letter back in the queue, due now, with a fresh count of attempts and age (the
   * attempts so far stay in the log); its notification is queued again. Answers what it found:
   * 'requeued', 'not_dead', or 'missing' (no such delivery in the estate).
   */
  async requeueDead(tx: SqlExecutor, estateId: string, deliveryId: string, now: number): Promise<'requeued' | 'not_dead' | 'missing'> {
    const { rows } = await tx.query<{ status: string; notification_id: string }>(
      'SELECT status, notification_id FROM notification_deliveries WHERE estate_id = $1 AND id = $2 FOR UPDATE',
      [estateId, deliveryId],
    );
    const row = rows[0];
    if (!row) return 'missing';
    if (row.status !== 'dead') return 'not_dead';
    const at = timestampParam(now);
    await tx.query(`UPDATE notifications SET status = 'queued', finished_at = NULL WHERE id = $1 AND status IN ('dead', 'sent')`, [row.notification_id]);
    await tx.query(
      `UPDATE notification_deliveries SET status = 'queued', attempts = 0, next_attempt_at = $2, queued_at = $2, dead_at = NULL, last_error = NULL WHERE id = $1`,
      [deliveryId, at],
    );
    return 'requeued';
  }
}
