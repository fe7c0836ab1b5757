import type { Clock } from '../../shared/time/clock.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { notFound } from '../platform/app-error.js';
import { escalationFigures, type EscalationStepCount } from './escalation-kpis.js';
import { falseAlarmsByRule, type RuleFalseAlarms } from './false-alarms-by-rule.js';
import { followUpFigures } from './follow-up-kpis.js';
import { emptyFigures, type KpiFigures, type Share } from './kpi-figures.js';
import { bucketStarts, type KpiQuery } from './kpi-period.js';
import { resolveWindow } from './kpi-window.js';
import type { NotificationDeliveryRate } from './notification-delivery-rate.js';
import { openedTicketFigures } from './opened-ticket-kpis.js';

/** Every KPI of an estate over a period: the whole period, each bucket for charts, and the breakdowns. */
export interface KpiReport {
  query: KpiQuery;
  timeZone: string;
  /** The moment the figures are as of: deadlines after it were not yet counted as late. */
  asOf: number;
  totals: KpiFigures;
  /** Every bucket of the period in order, empty ones included. */
  buckets: Array<{ start: string; figures: KpiFigures }>;
  falseAlarmsByRule: RuleFalseAlarms[];
  escalationsBySteps: EscalationStepCount[];
  /** Null where the notification queue is not wired in. */
  notificationDelivery: Share | null;
}

/** The KPIs a supervisor acts on, per estate, category and period, computed in SQL as of the clock's now. */
export class KpiService {
  constructor(
    private readonly db: SqlExecutor,
    private readonly clock: Clock,
    private readonly deliveryRate: NotificationDeliveryRate,
  ) {}

  /**
   * The report of the query; not_found for an unknown estate. `executor` runs the queries inside a
   * caller's transaction (the daily digest computes in the one that claims its run).
   */
  async report(query: KpiQuery, executor: SqlExecutor = this.db): Promise<KpiReport> {
    const asOf = this.clock.now();
    const window = await resolveWindow(executor, query, asOf);
    if (!window) throw notFound('estate', query.estateId);
    // One after another: inside a transaction the queries share one connection anyway.
    const opened = await openedTicketFigures(executor, window);
    const followUps = await followUpFigures(executor, window);
    const escalations = await escalationFigures(executor, window);
    const byRule = await falseAlarmsByRule(executor, window);
    const delivery = await this.deliveryRate(executor, window);

    const figuresOf = (bucket: string | null, escalationCount: number): KpiFigures => ({
      ...emptyFigures(),
      ...opened.get(bucket),
      ...(followUps.has(bucket) ? { followUp: followUps.get(bucket)! } : {}),
      escalations: escalationCount,
    });
    return {
      query,
      timeZone: window.timeZone,
      asOf,
      totals: figuresOf(null, escalations.total),
      buckets: bucketStarts(query.from, query.to, query.bucket).map((start) => ({ start, figures: figuresOf(start, escalations.byBucket.get(start) ?? 0) })),
      falseAlarmsByRule: byRule,
      escalationsBySteps: escalations.bySteps,
      notificationDelivery: delivery,
    };
  }
}
