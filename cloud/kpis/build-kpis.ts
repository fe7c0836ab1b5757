import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { WallClockJobRunner } from '../platform/wall-clock-jobs.js';
import { DailyDigestJob, type EnqueueDigest } from './daily-digest-job.js';
import { KpiService } from './kpi-service.js';
import { notificationDeliveryRate } from './notification-delivery-rate.js';

export interface KpiModule {
  /** For the API (GET /estates/:estate_id/kpis). */
  service: KpiService;
  /** Sends the daily digest: a Component to start with the cloud (tick() runs what is due now). */
  digestJob: WallClockJobRunner;
}

export interface KpiModuleOptions {
  /** Names this process in job_runs; the host and process id by default. */
  instance?: string;
}

/** The KPIs and the daily digest over the database, for the composition root. */
export function buildKpis(db: SqlDatabase, clock: Clock, logger: Logger, enqueueDigest: EnqueueDigest, options: KpiModuleOptions = {}): KpiModule {
  const service = new KpiService(db, clock, notificationDeliveryRate);
  const digest = new DailyDigestJob(db, service, enqueueDigest, logger);
  return { service, digestJob: new WallClockJobRunner(db, [digest], clock, logger, options.instance) };
}
