import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ReadPurposeSchema, type ReadPurpose } from '../../audit/audit-entry.js';
import { zonedIsoTime } from '../../platform/local-calendar.js';
import { notFound } from '../../platform/app-error.js';
import { callerSeesTicket } from '../../tickets/ticket-scope.js';
import type { Ticket } from '../../tickets/ticket.js';
import type { TicketEvidence } from '../../telemetry/ticket-evidence-builder.js';
import type { TicketEvidenceService } from '../../telemetry/ticket-evidence-service.js';
import { signedInCaller } from '../auth/authentication.js';
import { ErrorBodySchema } from '../error-body.js';
import type { TicketDesk } from './tickets.js';

const ZonedTime = z.string().describe("ISO 8601 with the estate's UTC offset");
const BucketSchema = z.object({ t: ZonedTime.describe('start of the bucket'), count: z.number(), mean: z.number(), min: z.number(), max: z.number(), last: z.number() });

export const TicketEvidenceSchema = z.object({
  ticket_id: z.string(),
  type: z.string(),
  time_zone: z.string(),
  window: z.object({ from: ZonedTime, to: ZonedTime, episode_from: ZonedTime, episode_to: ZonedTime.nullable() }),
  /** Width of one bucket of every series. */
  bucket_s: z.number(),
  devices: z.array(z.string()),
  series: z.array(z.object({ device_id: z.string(), point: z.string(), unit: z.string(), points: z.array(BucketSchema) })),
  events: z.array(z.object({ device_id: z.string(), type: z.string(), t: ZonedTime, attributes: z.record(z.string(), z.unknown()) })),
  events_truncated: z.boolean(),
  household_activity: z
    .object({
      available: z.boolean(),
      reason: z.string().nullable(),
      hours: z.array(z.object({ t: ZonedTime, door_openings: z.number().nullable(), water_litres: z.number().nullable(), energy_kwh: z.number().nullable(), minutes_above_standby: z.number().nullable() })).describe('null: no data of that signal in the hour'),
    })
    .nullable(),
  notes: z.array(z.string()),
});

/** What a read is for when the caller names nothing: the work the ticket itself is. */
function defaultPurpose(ticket: Ticket): ReadPurpose {
  if (ticket.type === 'care_visit') return 'care_visit';
  if (ticket.type === 'lift_entrapment') return 'emergency';
  return 'supervision';
}

export function ticketEvidenceView(evidence: TicketEvidence): z.infer<typeof TicketEvidenceSchema> {
  const at = (ms: number) => zonedIsoTime(ms, evidence.timeZone);
  const { window } = evidence;
  return {
    ticket_id: evidence.ticketId,
    type: evidence.type,
    time_zone: evidence.timeZone,
    window: { from: at(window.from), to: at(window.to), episode_from: at(window.episodeFrom), episode_to: window.episodeTo === null ? null : at(window.episodeTo) },
    bucket_s: evidence.bucketMs / 1_000,
    devices: evidence.deviceIds,
    series: evidence.series.map((series) => ({
      device_id: series.deviceId,
      point: series.point,
      unit: series.unit,
      points: series.buckets.map((b) => ({ t: at(b.start), count: b.count, mean: b.mean, min: b.min, max: b.max, last: b.last })),
    })),
    events: evidence.events.map((event) => ({ device_id: event.deviceId, type: event.type, t: at(event.at), attributes: event.attributes })),
    events_truncated: evidence.eventsTruncated,
    household_activity:
      evidence.householdActivity === null
        ? null
        : {
            available: evidence.householdActivity.available,
            reason: evidence.householdActivity.reason,
            hours: evidence.householdActivity.hours.map((h) => ({
              t: at(h.hour),
              door_openings: h.doorOpenings,
              water_litres: h.waterLitres,
              energy_kwh: h.energyKwh,
              minutes_above_standby: h.minutesAboveStandby,
            })),
          },
    notes: evidence.notes,
  };
}

/**
 * GET /tickets/{id}/evidence: a ticket's readings and events over its episode, thinned, in the
 * estate's time zone (cloud/telemetry/ticket-evidence-builder.ts). Whoever may read the ticket may
 * read its evidence (ticket-scope.ts): any other caller gets 404, as for an unknown id. Every read
 * is audited with its purpose (`?purpose=`, else the ticket's own work: care_visit, emergency for
 * an entrapment, supervision otherwise).
 */
export const ticketEvidenceRoutes =
  (desk: Pick<TicketDesk, 'get'>, evidence: Pick<TicketEvidenceService, 'read'>): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tickets/:id/evidence',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: "A ticket's evidence: its devices' readings (thinned, min/max kept) and events over the episode and 2 h before, or a care visit's household activity hours (audited)",
          params: z.object({ id: z.uuid({ message: 'ticket id must be a UUID' }) }),
          querystring: z.object({ purpose: ReadPurposeSchema.optional() }),
          response: { 200: TicketEvidenceSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        const ticket = await desk.get(request.params.id);
        if (!ticket || !callerSeesTicket(caller, ticket)) throw notFound('ticket', request.params.id);
        const context = { purpose: request.query.purpose ?? defaultPurpose(ticket), route: `${request.method} ${request.routeOptions.url}` };
        return ticketEvidenceView(await evidence.read(caller, ticket, context));
      },
    );
  };
