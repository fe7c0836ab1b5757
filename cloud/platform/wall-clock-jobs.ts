import { hostname } from 'node:os';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { timestampParam } from '../db/sql-values.js';

/** How often the runner asks its jobs what is due: a job runs within a minute of its wall-clock time. */
export const WALL_CLOCK_TICK_MS = 60_000;

/** One run of a job, named by a key that is unique among the job's runs for ever ("sunrise@2026-11-03"). */
export interface DueRun {
  key: string;
  /** Does the work inside the transaction that claimed the run: what it writes commits with the claim. */
  run(tx: SqlExecutor): Promise<void>;
}

/** A job that runs at wall-clock times (a daily digest at 08:00 in each estate's zone). */
export interface WallClockJob {
  /** The job column of job_runs. */
  readonly name: string;
  /** The runs due at `now`, claimed or not: the runner skips those another instance has claimed. */
  dueRuns(now: number): Promise<DueRun[]>;
}

/**
 * Runs wall-clock jobs once across every cloud instance. Each tick asks every job for its due runs
 * and, for each, in one transaction: inserts (job, run_key) into job_runs with ON CONFLICT DO
 * NOTHING, and runs it only when that insert added the row. A second instance inserting the same key
 * waits on the first one's uncommitted row and then inserts nothing (PostgreSQL docs, INSERT ... ON
 * CONFLICT: the conflicting row's transaction is waited for); a run that throws rolls its claim back,
 * so it is due again at the next tick. A run that is late (the cloud was down at 08:00) runs at the
 * first tick after.
 *
 * A minute tick on the injected Clock rather than a cron library: "now" must come from the clock so
 * tests can cross 08:00 by hand, each estate has its own zone, and the claim table does the rest.
 */
export class WallClockJobRunner implements Component {
  readonly name = 'wall-clock-jobs';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly jobs: readonly WallClockJob[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Written to job_runs.instance: which process ran it. */
    private readonly instance: string = `${hostname()}#${process.pid}`,
    private readonly tickMs: number = WALL_CLOCK_TICK_MS,
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.tickLogged(), this.tickMs);
    this.timer.unref();
    void this.tickLogged();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs every due run this instance can claim at the clock's now and returns how many it ran. A tick
   * during a tick waits for it and runs nothing more. Tests call it directly after moving a ManualClock.
   */
  tick(): Promise<number> {
    if (this.running) return this.running.then(() => 0);
    this.running = this.runDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async tickLogged(): Promise<void> {
    await this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'wall-clock jobs failed; what is due runs at the next tick'));
  }

  private async runDue(): Promise<number> {
    const now = this.clock.now();
    let ran = 0;
    for (const job of this.jobs) {
      for (const due of await this.unclaimed(job, await job.dueRuns(now))) {
        try {
          const claimed = await this.db.transaction(async (tx) => {
            const { rowCount } = await tx.query(
              `INSERT INTO job_runs (job, run_key, started_at, instance) VALUES ($1, $2, $3::timestamptz, $4) ON CONFLICT (job, run_key) DO NOTHING`,
              [job.name, due.key, timestampParam(now), this.instance],
            );
            if (rowCount !== 1) return false;
            await due.run(tx);
            return true;
          });
          if (claimed) {
            ran += 1;
            this.logger.info({ job: job.name, run_key: due.key }, 'wall-clock job ran');
          }
        } catch (error) {
          this.logger.error({ err: error, job: job.name, run_key: due.key }, 'wall-clock job failed; it is due again at the next tick');
        }
      }
    }
    return ran;
  }

  /** The runs no instance has claimed yet, so a run done this morning costs one read per tick, not a transaction. */
  private async unclaimed(job: WallClockJob, runs: readonly DueRun[]): Promise<DueRun[]> {
    if (runs.length === 0) return [];
    const { rows } = await this.db.query<{ run_key: string }>('SELECT run_key FROM job_runs WHERE job = $1 AND run_key = ANY($2::text[])', [
      job.name,
      runs.map((run) => run.key),
    ]);
    const claimed = new Set(rows.map((row) => row.run_key));
    return runs.filter((run) => !claimed.has(run.key));
  }
}
