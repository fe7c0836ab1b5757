import type { SqlExecutor } from '../db/sql-database.js';

/** What dispatch asks notifications to send, queued in the transaction of the ticket change. */
export interface DispatchNotice {
  estateId: string;
  ticketId: string;
  purpose: string;
  chain: string | null;
  step: number;
  recipientStaffIds: string[];
  audience: string;
  sendAt: number;
  dedupeKey: string;
  details?: Record<string, unknown>;
}

/** The notification queue as dispatch uses it: enqueue and cancel inside the caller's transaction. */
export interface NotificationSink {
  enqueue(tx: SqlExecutor, notice: DispatchNotice): Promise<boolean>;
  cancelChain(tx: SqlExecutor, ticketId: string, chain: string, reason: string): Promise<number>;
}
