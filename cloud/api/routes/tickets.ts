import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AlertCategorySchema, SLUG_PATTERN } from '../../../shared/contract/index.js';
import { OutcomeCodeSchema, TicketStatusSchema } from '../../tickets/ticket.js';
import type { TicketService } from '../../tickets/ticket-service.js';
import { MAX_LIST_LIMIT as MAX_PAGE_SIZE, DEFAULT_LIST_LIMIT as DEFAULT_PAGE_SIZE } from '../../tickets/ticket-repository.js';
import { AuditEntryViewSchema, TicketViewSchema, toAuditEntryView, toTicketView } from '../ticket-view.js';
import { ApiError } from '../errors.js';
import { ErrorBodySchema } from '../error-body.js';

/**
 * What the ticket routes need from the ticket service; "now" comes from the service's clock. Unknown
 * ids, illegal transitions and outcome codes of another category throw the coded errors of
 * tickets/ticket-errors.ts (404, 409 and 400).
 */
export type TicketDesk = Pick<TicketService, 'list' | 'get' | 'auditTrail' | 'acknowledge' | 'markOnSite' | 'resolve'>;


const TicketIdParams = z.object({ id: z.uuid({ message: 'ticket id must be a UUID' }) });
const StaffId = z.string().trim().min(1, 'name who is acting').max(64);
const errorResponses = { 400: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

/** Tickets: the housekeeper's and facilities team's work list, and the actions on one ticket. */
export const ticketRoutes =
  (desk: TicketDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tickets',
      {
        schema: {
          summary: 'List tickets, newest first',
          querystring: z.object({
            estate_id: z.string().regex(SLUG_PATTERN, 'must be an estate id').optional(),
            status: z
              .string()
              .transform((value) => value.split(',').map((s) => s.trim()))
              .pipe(z.array(TicketStatusSchema))
              .optional()
              .describe('one status or several separated by commas'),
            type: AlertCategorySchema.optional(),
            limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.object({ tickets: z.array(TicketViewSchema) }), 400: ErrorBodySchema },
        },
      },
      async (request) => {
        const { estate_id, status, type, limit, offset } = request.query;
        const tickets = await desk.list({ estateId: estate_id, statuses: status, type, limit, offset });
        return { tickets: tickets.map(toTicketView) };
      },
    );

    app.get(
      '/tickets/:id',
      {
        schema: {
          summary: 'One ticket with its audit trail',
          params: TicketIdParams,
          response: { 200: z.object({ ticket: TicketViewSchema, audit: z.array(AuditEntryViewSchema) }), ...errorResponses },
        },
      },
      async (request) => {
        const ticket = await desk.get(request.params.id);
        if (!ticket) throw notFound(request.params.id);
        const audit = await desk.auditTrail(ticket.id);
        return { ticket: toTicketView(ticket), audit: audit.map(toAuditEntryView) };
      },
    );

    app.post(
      '/tickets/:id/ack',
      {
        schema: {
          summary: 'Acknowledge a ticket: someone has it in hand',
          params: TicketIdParams,
          body: z.object({ by: StaffId }),
          response: { 200: z.object({ ticket: TicketViewSchema }), ...errorResponses },
        },
      },
      async (request) => ({ ticket: toTicketView(await desk.acknowledge(request.params.id, request.body.by)) }),
    );

    app.post(
      '/tickets/:id/on-site',
      {
        schema: {
          summary: 'Record arrival on site',
          params: TicketIdParams,
          body: z.object({ by: StaffId }),
          response: { 200: z.object({ ticket: TicketViewSchema }), ...errorResponses },
        },
      },
      async (request) => ({ ticket: toTicketView(await desk.markOnSite(request.params.id, request.body.by)) }),
    );

    app.post(
      '/tickets/:id/resolve',
      {
        schema: {
          summary: 'Resolve a ticket with an outcome code of its category (GET /ticket-categories) and a note',
          params: TicketIdParams,
          body: z.object({
            by: StaffId,
            outcome_code: OutcomeCodeSchema,
            note: z.string().trim().max(2000).optional(),
          }),
          response: { 200: z.object({ ticket: TicketViewSchema }), ...errorResponses },
        },
      },
      async (request) => {
        const { by, outcome_code, note } = request.body;
        return { ticket: toTicketView(await desk.resolve(request.params.id, by, outcome_code, note || null)) };
      },
    );
  };

function notFound(id: string): ApiError {
  return new ApiError(404, 'ticket_not_found', `no ticket with id ${id}`);
}
