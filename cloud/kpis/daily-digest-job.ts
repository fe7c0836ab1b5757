import type { Logger } from '../../shared/log/logger.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { holdersOf } from '../dispatch/dispatch-people.js';
import { addDays, localDateTime } from '../platform/local-calendar.js';
import type { DueRun, WallClockJob } from '../platform/wall-clock-jobs.js';
import { renderDigest, type DigestText } from './digest-renderer.js';
import type { KpiService } from './kpi-service.js';

/** The digest goes out at 08:00 in each estate's time zone. */
export const DIGEST_MINUTE_OF_DAY = 8 * 60;
export const DAILY_DIGEST_JOB = 'daily_digest';

/** What the notification queue is given: one message of purpose daily_digest to these staff. */
export interface DigestNotice {
  estateId: string;
  recipientStaffIds: string[];
  text: DigestText;
  /** The local day the figures are of: with the estate, the notice's dedupe key. */
  day: string;
}

/** Enqueues the digest inside the transaction that claimed the run, so it is queued exactly once. */
export type EnqueueDigest = (tx: SqlExecutor, notice: DigestNotice) => Promise<unknown>;

/** The run key of an estate's digest sent on a local day. */
export function digestRunKey(estateId: string, sentOn: string): string {
  return `${estateId}@${sentOn}`;
}

/**
 * The daily digest (每日汇总): from 08:00 local time, one run per estate and local day, reporting the
 * day before (00:00 to 24:00 local), all categories, to every active supervisor of the estate. An
 * estate without a supervisor has its run recorded with nothing sent.
 */
export class DailyDigestJob implements WallClockJob {
  readonly name = DAILY_DIGEST_JOB;

  constructor(
    private readonly db: SqlExecutor,
    private readonly kpis: Pick<KpiService, 'report'>,
    private readonly enqueueDigest: EnqueueDigest,
    private readonly logger: Logger,
  ) {}

  async dueRuns(now: number): Promise<DueRun[]> {
    const { rows } = await this.db.query<{ id: string; name: string; time_zone: string }>('SELECT id, name, time_zone FROM estates ORDER BY id');
    const runs: DueRun[] = [];
    for (const estate of rows) {
      const local = localDateTime(now, estate.time_zone);
      if (local.minuteOfDay < DIGEST_MINUTE_OF_DAY) continue;
      runs.push({ key: digestRunKey(estate.id, local.date), run: (tx) => this.send(tx, estate.id, estate.name, addDays(local.date, -1)) });
    }
    return runs;
  }

  private async send(tx: SqlExecutor, estateId: string, estateName: string, day: string): Promise<void> {
    const recipients = await holdersOf(tx, estateId, 'supervisor');
    if (recipients.length === 0) {
      this.logger.warn({ estate_id: estateId, day }, 'no supervisor to send the daily digest to');
      return;
    }
    const report = await this.kpis.report({ estateId, from: day, to: day, category: null, bucket: 'day' }, tx);
    await this.enqueueDigest(tx, { estateId, recipientStaffIds: recipients, text: renderDigest({ estateName, day, report }), day });
  }
}
