import { newId } from '../../shared/ids.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { epochMs, integer, timestampParam } from '../db/sql-values.js';
import type { ChannelTarget } from './channels/channel.js';
import type { ChannelKind } from './channels/channel-kind.js';
import { finishNotificationIfDone } from './delivery-completion.js';
import { RATE_WINDOWS, SEND_LEASE_MS } from './delivery-policy.js';
import type { NotificationPurpose } from './notification-purpose.js';

/** A delivery this instance holds for sending until leaseUntil: the attempt row is already written. */
export interface ClaimedDelivery {
  deliveryId: string;
  notificationId: string;
  estateId: string;
  purpose: NotificationPurpose;
  ticketId: string | null;
  target: ChannelTarget;
  channelName: string | null;
  language: 'zh' | 'en';
  showResidentNames: boolean;
  attemptId: number;
  /** Attempts including this one. */
  attempt: number;
  queuedAt: number;
  claimToken: string;
}

interface CandidateRow {
  id: string;
  notification_id: string;
  estate_id: string;
  channel_id: string | null;
  status: string;
  attempts: number;
  queued_at: Date;
  purpose: NotificationPurpose;
  ticket_id: string | null;
  notification_status: string;
}

interface ChannelRow {
  kind: ChannelKind;
  name: string;
  url: string | null;
  secret: string | null;
  language: 'zh' | 'en';
  show_resident_names: boolean;
  enabled: boolean;
  deleted_at: Date | null;
}

/**
 * Claims up to `limit` due deliveries (queued or retrying and due, or sending with a lapsed lease)
 * in one transaction. The delivery and its notification are locked FOR UPDATE SKIP LOCKED: two
 * instances never claim one delivery, and a notification being cancelled (the cancel holds its
 * row) is skipped until the cancel commits; its status is then re-checked here, so a delivery of a
 * cancelled notification is marked cancelled instead of sent. Each channel's rate windows are
 * checked under a lock of the channel's row, counting the attempts every instance has recorded
 * (so the limit holds across instances); a channel at its limit has the delivery moved to when
 * the window frees up. Channels are locked in id order, so two claimers never wait on each other
 * in a circle.
 */
export async function claimDueDeliveries(db: SqlDatabase, now: number, limit: number, only?: { deliveryId: string }): Promise<ClaimedDelivery[]> {
  return db.transaction(async (tx) => {
    const at = timestampParam(now);
    const { rows } = await tx.query<CandidateRow>(
      `SELECT d.id, d.notification_id, d.estate_id, d.channel_id, d.status, d.attempts, d.queued_at, n.purpose, n.ticket_id, n.status AS notification_status
       FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE ((d.status IN ('queued', 'retrying') AND d.next_attempt_at <= $1) OR (d.status = 'sending' AND d.lease_until <= $1))
         AND ($3::text IS NULL OR d.id = $3)
       ORDER BY d.channel_id NULLS FIRST, d.next_attempt_at, d.id
       LIMIT $2
       FOR UPDATE OF d, n SKIP LOCKED`,
      [at, limit, only?.deliveryId ?? null],
    );
    const claimed: ClaimedDelivery[] = [];
    for (const row of rows) {
      const delivery = await claimOne(tx, row, now);
      if (delivery) claimed.push(delivery);
    }
    return claimed;
  });
}

async function claimOne(tx: SqlExecutor, row: CandidateRow, now: number): Promise<ClaimedDelivery | null> {
  const at = timestampParam(now);
  if (row.status === 'sending') {
    // The instance that claimed it stopped before recording an answer: whether the receiver got it is unknown.
    await tx.query(`UPDATE notification_attempts SET classification = 'network', error = 'the sending instance stopped before the answer' WHERE delivery_id = $1 AND classification IS NULL`, [row.id]);
  }
  if (row.notification_status !== 'queued') {
    await cancelDelivery(tx, row, `notification ${row.notification_status}`, now);
    return null;
  }
  if (row.purpose === 'devices_offline_grouped' && !(await groupHasMembers(tx, row.notification_id))) {
    await cancelDelivery(tx, row, 'every member of the group was cancelled', now);
    return null;
  }
  let channel: ChannelRow | null = null;
  if (row.channel_id !== null) {
    const { rows: channels } = await tx.query<ChannelRow>(
      'SELECT kind, name, url, secret, language, show_resident_names, enabled, deleted_at FROM notification_channels WHERE id = $1 FOR UPDATE',
      [row.channel_id],
    );
    channel = channels[0] ?? null;
    if (!channel || !channel.enabled || channel.deleted_at !== null) {
      await cancelDelivery(tx, row, 'the channel was disabled or deleted', now);
      return null;
    }
    const freeAt = await rateWindowFreeAt(tx, row.channel_id, channel.kind, now);
    if (freeAt !== null) {
      await tx.query('UPDATE notification_deliveries SET next_attempt_at = $2 WHERE id = $1', [row.id, timestampParam(freeAt)]);
      return null;
    }
  }
  const kind: ChannelKind = channel?.kind ?? 'log';
  const { rows: attempts } = await tx.query<{ id: number | string }>(
    'INSERT INTO notification_attempts (delivery_id, channel_id, channel_kind, at) VALUES ($1, $2, $3, $4) RETURNING id',
    [row.id, row.channel_id, kind, at],
  );
  const claimToken = newId();
  await tx.query(
    `UPDATE notification_deliveries SET status = 'sending', attempts = attempts + 1, lease_until = $2, claim_token = $3 WHERE id = $1`,
    [row.id, timestampParam(now + SEND_LEASE_MS), claimToken],
  );
  return {
    deliveryId: row.id,
    notificationId: row.notification_id,
    estateId: row.estate_id,
    purpose: row.purpose,
    ticketId: row.ticket_id,
    target: { id: row.channel_id, kind, url: channel?.url ?? null, secret: channel?.secret ?? null },
    channelName: channel?.name ?? null,
    language: channel?.language ?? 'zh',
    showResidentNames: channel?.show_resident_names ?? false,
    attemptId: integer(attempts[0]!.id),
    attempt: row.attempts + 1,
    queuedAt: epochMs(row.queued_at),
    claimToken,
  };
}

/** When the channel may take another request, or null when it may now. */
async function rateWindowFreeAt(tx: SqlExecutor, channelId: string, kind: ChannelKind, now: number): Promise<number | null> {
  let freeAt: number | null = null;
  for (const window of RATE_WINDOWS[kind]) {
    const { rows } = await tx.query<{ at: Date }>(
      `SELECT at FROM notification_attempts WHERE channel_id = $1 AND at > $2 ORDER BY at DESC LIMIT $3`,
      [channelId, timestampParam(now - window.windowMs), window.limit],
    );
    if (rows.length < window.limit) continue;
    // The oldest of the last `limit` requests leaves the window first (counted while at > now - windowMs).
    const free = epochMs(rows[rows.length - 1]!.at) + window.windowMs;
    freeAt = Math.max(freeAt ?? 0, free);
  }
  return freeAt;
}

async function groupHasMembers(tx: SqlExecutor, groupId: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM notifications WHERE grouped_into = $1 AND status = 'queued' LIMIT 1`, [groupId]);
  return rows.length > 0;
}

async function cancelDelivery(tx: SqlExecutor, row: CandidateRow, reason: string, now: number): Promise<void> {
  await tx.query(`UPDATE notification_deliveries SET status = 'cancelled', cancelled_reason = $2, lease_until = NULL, claim_token = NULL WHERE id = $1`, [row.id, reason]);
  await finishNotificationIfDone(tx, row.notification_id, now);
}
