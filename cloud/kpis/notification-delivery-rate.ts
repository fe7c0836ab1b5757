import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { timestampParam } from '../db/sql-values.js';
import { share, type Share } from './kpi-figures.js';
import type { KpiWindow } from './kpi-window.js';

/**
 * The notification delivery rate of the window (count = delivered, of = attempted). Given to the
 * KPI service from outside, so the KPI figures are tested apart from the queue's tables.
 */
export type NotificationDeliveryRate = (db: SqlExecutor, window: KpiWindow) => Promise<Share | null>;

/**
 * The delivery rate over the notification queue's deliveries (tables notifications and
 * notification_deliveries): deliveries to a channel of the estate queued in the period that reached a
 * final state. of = sent or dead (given up after its retries); count = sent. Not counted: deliveries
 * still queued, sending or retrying (their outcome is not known yet), cancelled ones (the ticket was
 * acknowledged first: nothing needed sending), and those to the process log (channel_id NULL), which
 * reach no person. With a category, only notifications about tickets of that category.
 */
export const notificationDeliveryRate: NotificationDeliveryRate = async (db, window) => {
  const params = new SqlParams();
  const conditions = [
    `d.estate_id = ${params.add(window.estateId)}`,
    `d.queued_at >= ${params.add(timestampParam(window.fromAt))}::timestamptz`,
    `d.queued_at < ${params.add(timestampParam(window.toAt))}::timestamptz`,
    `d.channel_id IS NOT NULL`,
    `d.status IN ('sent', 'dead')`,
  ];
  if (window.category) conditions.push(`EXISTS (SELECT 1 FROM tickets t WHERE t.id = n.ticket_id AND t.type = ${params.add(window.category)})`);
  const { rows } = await db.query<{ attempted: string | number; delivered: string | number }>(
    `SELECT count(*) AS attempted, count(*) FILTER (WHERE d.status = 'sent') AS delivered
     FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
     WHERE ${conditions.join(' AND ')}`,
    params.values,
  );
  const row = rows[0];
  return share(Number(row?.delivered ?? 0), Number(row?.attempted ?? 0));
};
