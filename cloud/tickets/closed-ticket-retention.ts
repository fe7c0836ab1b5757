import type { SqlExecutor } from '../db/sql-database.js';
import { timestampParam } from '../db/sql-values.js';
import type { RetentionTask } from '../telemetry/telemetry-retention.js';

const DAY_MS = 86_400_000;

/**
 * Closed tickets are deleted `closedTicketDays` after they closed, with what hangs off them (their
 * audit trail, timers and notifications: ON DELETE CASCADE in 001, 007 and 008). A ticket not closed
 * is never deleted, however old: it is work still to do or to follow up.
 */
export class ClosedTicketRetention implements RetentionTask {
  readonly name = 'closed_tickets';

  constructor(private readonly closedTicketDays: number) {}

  async apply(now: number, tx: SqlExecutor): Promise<number> {
    const { rowCount } = await tx.query(`DELETE FROM tickets WHERE status = 'closed' AND closed_at < $1::timestamptz`, [timestampParam(now - this.closedTicketDays * DAY_MS)]);
    return rowCount;
  }
}
