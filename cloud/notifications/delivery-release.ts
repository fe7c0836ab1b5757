import { newId } from '../../shared/ids.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { epochMs, timestampParam } from '../db/sql-values.js';
import { GROUPING_WINDOW_MS } from './delivery-policy.js';

/** Notifications released per round; the rest wait for the next. */
const RELEASE_BATCH_SIZE = 200;

interface DueRow {
  id: string;
  estate_id: string;
  purpose: string;
  group_key: string | null;
  send_at: Date;
  audience: string;
  recipient_staff_ids: string[];
  details: Record<string, unknown>;
}

/**
 * Turns notifications that fell due into deliveries, one per enabled channel of the estate at that
 * moment (the process log when it has none), so a channel added after an enqueue still gets it.
 * Grouped notifications wait until GROUPING_WINDOW_MS after the first of their group fell due; then
 * those due within that window go out as one 'devices_offline_grouped' notification whose members
 * point to it (a group of one goes out as itself). Rows are taken FOR UPDATE SKIP LOCKED, so two
 * instances release each notification once. Returns how many notifications were released.
 */
export async function releaseDueNotifications(db: SqlDatabase, now: number): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<DueRow>(
      `SELECT id, estate_id, purpose, group_key, send_at, audience, recipient_staff_ids, details FROM notifications
       WHERE status = 'queued' AND released_at IS NULL AND grouped_into IS NULL AND send_at <= $1
         AND (group_key IS NULL OR send_at <= $2)
       ORDER BY send_at, id LIMIT ${RELEASE_BATCH_SIZE}
       FOR UPDATE SKIP LOCKED`,
      [timestampParam(now), timestampParam(now - GROUPING_WINDOW_MS)],
    );
    const groups = new Map<string, DueRow[]>();
    let released = 0;
    for (const row of rows) {
      if (row.group_key === null) {
        await release(tx, row, now);
        released += 1;
        continue;
      }
      const key = `${row.estate_id}\u0000${row.group_key}`;
      if (!groups.has(key)) groups.set(key, [row]);
    }
    for (const [, [first]] of groups) released += await releaseGroup(tx, first!, now);
    return released;
  });
}

/** The group led by its earliest due member: every member due within the window of it. */
async function releaseGroup(tx: SqlExecutor, first: DueRow, now: number): Promise<number> {
  const { rows: members } = await tx.query<DueRow>(
    `SELECT id, estate_id, purpose, group_key, send_at, audience, recipient_staff_ids, details FROM notifications
     WHERE estate_id = $1 AND group_key = $2 AND status = 'queued' AND released_at IS NULL AND grouped_into IS NULL AND send_at <= $3
     ORDER BY send_at, id
     FOR UPDATE SKIP LOCKED`,
    [first.estate_id, first.group_key, timestampParam(epochMs(first.send_at) + GROUPING_WINDOW_MS)],
  );
  if (members.length <= 1) {
    await release(tx, first, now);
    return 1;
  }
  const groupId = newId();
  const recipients = [...new Set(members.flatMap((member) => member.recipient_staff_ids))];
  await tx.query(
    `INSERT INTO notifications (id, estate_id, ticket_id, purpose, chain, step, recipient_staff_ids, audience, send_at, dedupe_key, details, status, released_at, created_at)
     VALUES ($1, $2, NULL, 'devices_offline_grouped', NULL, 0, $3::text[], $4, $5, $6, $7::jsonb, 'queued', $5, $5)`,
    [groupId, first.estate_id, recipients, first.audience, timestampParam(now), `group:${first.id}`, JSON.stringify({ group_key: first.group_key, members: members.length })],
  );
  await tx.query(`UPDATE notifications SET grouped_into = $1, released_at = $2 WHERE id = ANY($3::text[])`, [groupId, timestampParam(now), members.map((m) => m.id)]);
  await createDeliveries(tx, { id: groupId, estate_id: first.estate_id, purpose: 'devices_offline_grouped', details: {} }, now);
  return members.length;
}

async function release(tx: SqlExecutor, row: DueRow, now: number): Promise<void> {
  await tx.query('UPDATE notifications SET released_at = $2 WHERE id = $1', [row.id, timestampParam(now)]);
  await createDeliveries(tx, row, now);
}

/**
 * One queued delivery per enabled channel of the estate. A dead-letter warning skips the channel
 * that failed and always goes to the log as well, so it is seen even when every channel is broken.
 */
export async function createDeliveries(tx: SqlExecutor, n: Pick<DueRow, 'id' | 'estate_id' | 'purpose' | 'details'>, now: number): Promise<void> {
  const excluded = n.purpose === 'dead_letter_warning' && typeof n.details.channel_id === 'string' ? n.details.channel_id : null;
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM notification_channels WHERE estate_id = $1 AND enabled AND deleted_at IS NULL AND ($2::text IS NULL OR id <> $2) ORDER BY created_at, id`,
    [n.estate_id, excluded],
  );
  const channels: Array<string | null> = rows.map((row) => row.id);
  if (channels.length === 0 || n.purpose === 'dead_letter_warning') channels.push(null);
  for (const channelId of channels) await insertDelivery(tx, n.id, n.estate_id, channelId, now);
}

export async function insertDelivery(tx: SqlExecutor, notificationId: string, estateId: string, channelId: string | null, now: number): Promise<string> {
  const id = newId();
  await tx.query(
    `INSERT INTO notification_deliveries (id, notification_id, estate_id, channel_id, status, attempts, next_attempt_at, queued_at)
     VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5) ON CONFLICT DO NOTHING`,
    [id, notificationId, estateId, channelId, timestampParam(now)],
  );
  return id;
}
