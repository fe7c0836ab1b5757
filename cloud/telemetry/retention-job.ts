import type { Logger } from '../../shared/log/logger.js';
import { localDateTime } from '../platform/local-calendar.js';
import type { DueRun, WallClockJob } from '../platform/wall-clock-jobs.js';
import { retentionCutoffs, type RetentionSettings } from './retention-settings.js';
import type { RetentionTask, TelemetryRetention } from './telemetry-retention.js';

export const RETENTION_JOB = 'telemetry_retention';

/** The run key of the night of a local date. */
export function retentionRunKey(localDate: string): string {
  return `retention@${localDate}`;
}

/**
 * The nightly retention run: once per local day of the retention zone, from nightly_at on, claimed
 * through job_runs (wall-clock-jobs.ts) so that of several cloud instances one runs it. The
 * telemetry goes first (aggregated to hours, then deleted), then each further task (closed tickets,
 * household aggregates), all in the claiming transaction: a run that throws is rolled back with its
 * claim and runs again at the next minute tick. Cutoffs come from the runner's clock.
 */
export class RetentionJob implements WallClockJob {
  readonly name = RETENTION_JOB;
  private readonly runAtMinute: number;

  constructor(
    private readonly settings: RetentionSettings,
    private readonly telemetry: TelemetryRetention,
    private readonly tasks: readonly RetentionTask[],
    private readonly logger: Logger,
  ) {
    const [hours, minutes] = settings.nightly_at.split(':').map(Number) as [number, number];
    this.runAtMinute = hours * 60 + minutes;
  }

  async dueRuns(now: number): Promise<DueRun[]> {
    const local = localDateTime(now, this.settings.time_zone);
    if (local.minuteOfDay < this.runAtMinute) return [];
    return [
      {
        key: retentionRunKey(local.date),
        run: async (tx) => {
          const cutoffs = retentionCutoffs(now, this.settings);
          // Every night, not only at start: an InfluxDB down when the cloud started gets its policies now.
          await this.telemetry.prepare(this.settings);
          const telemetry = await this.telemetry.apply(cutoffs, tx);
          const tasks: Record<string, number | null> = {};
          for (const task of this.tasks) tasks[task.name] = await task.apply(now, tx);
          this.logger.info({ backend: this.telemetry.describe, cutoffs, ...telemetry, tasks }, 'retention run done');
        },
      },
    ];
  }
}
