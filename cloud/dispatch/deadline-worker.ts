import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { deadlineTimers, type DeadlineTimer } from './deadline-timers.js';
import { TicketBusyError, type WorkOrderDesk } from './work-order-desk.js';

/** How often a running cloud looks for due timers; a ticket opened in this process wakes it at once. */
export const DEADLINE_POLL_MS = 1_000;
/** A timer whose firing failed is due again this much later, so it neither is lost nor holds up the timers behind it. */
export const FAILED_TIMER_RETRY_MS = 60_000;

/**
 * Fires the tickets' due timers (dispatch, grab pool, escalation steps), each in its own
 * transaction with the claim (deadline-timers.ts claimDue): with two cloud instances each timer
 * fires once, and one that fails stays due and is tried again at the next poll.
 */
export class DeadlineWorker implements Component {
  readonly name = 'deadline-worker';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly db: SqlDatabase,
    private readonly desk: WorkOrderDesk,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Told after each fired timer commits: what it queued may be due now (the notification dispatcher's wake). */
    private readonly afterCommit: (timer: DeadlineTimer) => void = () => {},
    private readonly pollMs: number = DEADLINE_POLL_MS,
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Runs due timers soon, without waiting for the poll; a wake during a run runs once more after it. */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runDue()
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'firing due ticket timers failed; they stay due');
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /**
   * Fires every timer due at the clock's now, earliest first, and returns how many fired. A timer
   * whose ticket someone is changing at this moment stays due for the next run. Tests drive it
   * directly after moving a ManualClock.
   */
  async runDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const now = this.clock.now();
      const attempt: { timer: DeadlineTimer | null } = { timer: null };
      try {
        const done = await this.db.transaction(async (tx) => {
          attempt.timer = await deadlineTimers.claimDue(tx, now);
          if (attempt.timer) await this.desk.fire(tx, attempt.timer, now);
          return attempt.timer;
        });
        if (!done) return fired;
        fired += 1;
        this.afterCommit(done);
      } catch (error) {
        if (error instanceof TicketBusyError) return fired;
        const failed = attempt.timer;
        if (!failed) throw error;
        this.logger.error({ err: error, ticketId: failed.ticketId, chain: failed.chain, step: failed.step }, 'a ticket timer failed to fire; it is due again later');
        await this.db.transaction((tx) => deadlineTimers.postpone(tx, failed, now + FAILED_TIMER_RETRY_MS));
      }
    }
  }
}
