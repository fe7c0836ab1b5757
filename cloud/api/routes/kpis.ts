import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AlertCategorySchema, SLUG_PATTERN } from '../../../shared/contract/index.js';
import { demand, requireEstate } from '../../access/access-scope.js';
import { daysBetween, isCalendarDate } from '../../platform/local-calendar.js';
import type { KpiService } from '../../kpis/kpi-service.js';
import { CLOSURE_TARGET, type DurationSpread, type KpiFigures, type Share } from '../../kpis/kpi-figures.js';
import { KPI_BUCKETS, MAX_PERIOD_DAYS } from '../../kpis/kpi-period.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { iso } from '../api-time.js';

export type KpiDesk = Pick<KpiService, 'report'>;

const EstateParams = z.object({ estate_id: z.string().regex(SLUG_PATTERN, 'must be an estate id') });
const LocalDate = z.string().refine(isCalendarDate, 'must be a date, YYYY-MM-DD');

const KpiQuerySchema = z
  .object({
    from: LocalDate.describe("first day of the period, in the estate's time zone"),
    to: LocalDate.describe('last day of the period (included)'),
    category: AlertCategorySchema.optional().describe('one ticket category; all when left out'),
    bucket: z.enum(KPI_BUCKETS).default('day').describe('chart points per local day or per ISO week (named by its Monday)'),
  })
  .superRefine((query, context) => {
    if (!isCalendarDate(query.from) || !isCalendarDate(query.to)) return;
    const days = daysBetween(query.from, query.to) + 1;
    if (days < 1) context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (days > MAX_PERIOD_DAYS) context.addIssue({ code: 'custom', path: ['to'], message: `the period is at most ${MAX_PERIOD_DAYS} days` });
  });

const ShareSchema = z.object({ count: z.number().int(), of: z.number().int(), rate: z.number().nullable().describe('count / of; null when of is 0') });
const SpreadSchema = z.object({
  count: z.number().int().describe('tickets measured'),
  median_s: z.number().nullable(),
  p90_s: z.number().nullable().describe('90th percentile'),
});
const FiguresSchema = z.object({
  opened: z.number().int(),
  acknowledged_in_time: ShareSchema.describe('acknowledged by the ack deadline, of those acknowledged or past it'),
  on_site_in_time: ShareSchema.describe('on site by the on-site deadline, of those on site or past it'),
  time_to_acknowledge: SpreadSchema.describe('seconds from the SLA start, min(raised, opened)'),
  time_to_arrive: SpreadSchema.describe('seconds from the SLA start to arrival'),
  closure: ShareSchema.describe('closed, of the tickets opened'),
  follow_up: ShareSchema.describe('follow-up calls made, of those due in the period'),
  false_alarms: ShareSchema.describe('false alarms, of the tickets resolved'),
  escalations: z.number().int().describe('escalation steps taken (first notices only)'),
});
const ReportSchema = z.object({
  estate_id: z.string(),
  time_zone: z.string(),
  from: z.string(),
  to: z.string(),
  category: AlertCategorySchema.nullable(),
  bucket: z.enum(KPI_BUCKETS),
  as_of: z.string().describe('deadlines after this are not yet counted as missed'),
  closure_target: z.number(),
  totals: FiguresSchema,
  buckets: z.array(z.object({ start: z.string().describe('first local day of the bucket'), figures: FiguresSchema })),
  false_alarms_by_rule: z.array(z.object({ rule: z.string(), false_alarms: ShareSchema })),
  escalations_by_step: z.array(z.object({ chain: z.string(), step: z.number().int().describe('1 for the first step of the chain'), count: z.number().int() })),
  notification_delivery: ShareSchema.nullable().describe('delivered, of the deliveries attempted; null until notifications are wired in'),
});

const shareView = (share: Share) => ({ count: share.count, of: share.of, rate: share.rate });
const spreadView = (spread: DurationSpread) => ({ count: spread.count, median_s: spread.medianS, p90_s: spread.p90S });

function figuresView(figures: KpiFigures): z.infer<typeof FiguresSchema> {
  return {
    opened: figures.opened,
    acknowledged_in_time: shareView(figures.acknowledgedInTime),
    on_site_in_time: shareView(figures.onSiteInTime),
    time_to_acknowledge: spreadView(figures.timeToAcknowledge),
    time_to_arrive: spreadView(figures.timeToArrive),
    closure: shareView(figures.closure),
    follow_up: shareView(figures.followUp),
    false_alarms: shareView(figures.falseAlarms),
    escalations: figures.escalations,
  };
}

/**
 * The work-order KPIs of an estate (cloud/kpis/ defines each figure) for supervisors and estate
 * managers. An estate where the caller holds no role reads as not found; one where their roles lack
 * kpi.read, forbidden.
 */
export const kpiRoutes =
  (desk: KpiDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/estates/:estate_id/kpis',
      {
        config: { access: { permission: 'kpi.read' } },
        schema: {
          summary: 'Work-order KPIs of the estate over a period of local days: SLA compliance, times, closure, follow-up, false alarms, escalations',
          params: EstateParams,
          querystring: KpiQuerySchema,
          response: { 200: ReportSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        const estateId = request.params.estate_id;
        requireEstate(caller, estateId);
        demand(caller, 'kpi.read', { estateId });
        const { from, to, category, bucket } = request.query;
        const report = await desk.report({ estateId, from, to, category: category ?? null, bucket });
        return {
          estate_id: estateId,
          time_zone: report.timeZone,
          from,
          to,
          category: category ?? null,
          bucket,
          as_of: iso(report.asOf),
          closure_target: CLOSURE_TARGET,
          totals: figuresView(report.totals),
          buckets: report.buckets.map((b) => ({ start: b.start, figures: figuresView(b.figures) })),
          false_alarms_by_rule: report.falseAlarmsByRule.map((r) => ({ rule: r.rule, false_alarms: shareView(r.falseAlarms) })),
          escalations_by_step: report.escalationsBySteps,
          notification_delivery: report.notificationDelivery ? shareView(report.notificationDelivery) : null,
        };
      },
    );
  };
