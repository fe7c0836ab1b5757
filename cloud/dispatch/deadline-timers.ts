import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, timestampParam } from '../db/sql-values.js';

/**
 * What a timer is for: dispatch (due when the ticket opens), pool (the grab pool's deadline), and
 * the escalation chains ack, on_site and follow_up (ticket-policy.ts, EscalationChains).
 */
export type TimerChain = 'dispatch' | 'pool' | 'ack' | 'on_site' | 'follow_up';

export interface DeadlineTimer {
  ticketId: string;
  chain: TimerChain;
  /** The deadline the chain counts from. */
  baseAt: number;
  step: number;
  round: number;
  dueAt: number;
}

interface TimerRow {
  ticket_id: string;
  chain: TimerChain;
  base_at: Date;
  step: number;
  round: number;
  due_at: Date;
}

/**
 * The durable timers of tickets (migration 007-dispatch). All writes run in the caller's
 * transaction, beside the ticket change that calls for them.
 */
export const deadlineTimers = {
  /** Schedules a timer unless the same (ticket, chain, base, step, round) exists: it fires once. */
  async schedule(tx: SqlExecutor, timer: DeadlineTimer): Promise<void> {
    await tx.query(
      `INSERT INTO ticket_timers (ticket_id, chain, base_at, step, round, due_at)
       VALUES ($1, $2, $3::timestamptz, $4, $5, $6::timestamptz)
       ON CONFLICT DO NOTHING`,
      [timer.ticketId, timer.chain, timestampParam(timer.baseAt), timer.step, timer.round, timestampParam(timer.dueAt)],
    );
  },

  /** Cancels the timers of these chains not yet fired. */
  async cancel(tx: SqlExecutor, ticketId: string, chains: readonly TimerChain[], at: number): Promise<void> {
    if (chains.length === 0) return;
    await tx.query(
      `UPDATE ticket_timers SET cancelled_at = $3::timestamptz
       WHERE ticket_id = $1 AND chain = ANY($2::text[]) AND fired_at IS NULL AND cancelled_at IS NULL`,
      [ticketId, [...chains], timestampParam(at)],
    );
  },

  /**
   * Claims the earliest timer due at `now`, locking its row so no other instance claims it (FOR
   * UPDATE SKIP LOCKED), and marks it fired in the same transaction: if the transaction rolls back
   * the timer is due again. Null when nothing is due.
   */
  async claimDue(tx: SqlExecutor, now: number): Promise<DeadlineTimer | null> {
    const { rows } = await tx.query<TimerRow>(
      `SELECT ticket_id, chain, base_at, step, round, due_at FROM ticket_timers
       WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= $1::timestamptz
       ORDER BY due_at, ticket_id, chain, step, round
       LIMIT 1
       FOR UPDATE SKIP LOCKED`,
      [timestampParam(now)],
    );
    const row = rows[0];
    if (!row) return null;
    await tx.query(
      `UPDATE ticket_timers SET fired_at = $6::timestamptz
       WHERE ticket_id = $1 AND chain = $2 AND base_at = $3 AND step = $4 AND round = $5`,
      [row.ticket_id, row.chain, row.base_at, row.step, row.round, timestampParam(now)],
    );
    return { ticketId: row.ticket_id, chain: row.chain, baseAt: epochMs(row.base_at), step: row.step, round: row.round, dueAt: epochMs(row.due_at) };
  },

  /** Moves a timer that failed to fire (its transaction rolled back, so it is still due) to a later time. */
  async postpone(tx: SqlExecutor, timer: DeadlineTimer, dueAt: number): Promise<void> {
    await tx.query(
      `UPDATE ticket_timers SET due_at = $6::timestamptz
       WHERE ticket_id = $1 AND chain = $2 AND base_at = $3::timestamptz AND step = $4 AND round = $5 AND fired_at IS NULL`,
      [timer.ticketId, timer.chain, timestampParam(timer.baseAt), timer.step, timer.round, timestampParam(dueAt)],
    );
  },

};
