import { newId } from '../../shared/ids.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { timestampParam } from '../../cloud/db/sql-values.js';

/**
 * A dead letter of the estate as the dispatcher leaves one (a notification whose one delivery, to
 * the log, gave up): for tests of the delivery log that need one without sending anything. Its id.
 */
export async function insertDeadLetter(db: SqlDatabase, estateId: string, at: number): Promise<string> {
  const notificationId = newId();
  const deliveryId = newId();
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO notifications (id, estate_id, purpose, audience, send_at, dedupe_key, status, released_at, finished_at, created_at)
       VALUES ($1, $2, 'daily_digest', 'admin', $3, $4, 'dead', $3, $3, $3)`,
      [notificationId, estateId, timestampParam(at), `fixture:${notificationId}`],
    );
    await tx.query(
      `INSERT INTO notification_deliveries (id, notification_id, estate_id, channel_id, status, attempts, next_attempt_at, queued_at, dead_at, last_error)
       VALUES ($1, $2, $3, NULL, 'dead', 8, $4, $4, $4, 'HTTP 500')`,
      [deliveryId, notificationId, estateId, timestampParam(at)],
    );
  });
  return deliveryId;
}
