import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AlertCategorySchema, SLUG_PATTERN } from '../../../shared/contract/index.js';
import { OutcomeCodeSchema, TicketStatusSchema } from '../../tickets/ticket.js';
import type { TicketService } from '../../tickets/ticket-service.js';
import { MAX_LIST_LIMIT as MAX_PAGE_SIZE, DEFAULT_LIST_LIMIT as DEFAULT_PAGE_SIZE } from '../../tickets/ticket-repository.js';
import { AuditEntryViewSchema, TicketViewSchema, toAuditEntryView, toTicketView } from '../ticket-view.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { actorLabel, type Caller } from '../../access/caller.js';
import { notFound } from '../../platform/app-error.js';
import { callerSeesTicket, ticketVisibilityOf } from '../../tickets/ticket-scope.js';
import type { Ticket } from '../../tickets/ticket.js';

/**
 * What the ticket routes need from the ticket service; "now" comes from the service's clock. Unknown
 * ids, illegal transitions and outcome codes of another category throw the coded errors of
 * tickets/ticket-errors.ts (404, 409 and 400).
 */
export type TicketDesk = Pick<TicketService, 'list' | 'get' | 'auditTrail' | 'acknowledge' | 'markOnSite' | 'resolve'>;


const TicketIdParams = z.object({ id: z.uuid({ message: 'ticket id must be a UUID' }) });
const errorResponses = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

/**
 * Tickets: the housekeeper's and facilities team's work list, and the actions on one ticket. Each
 * caller sees the ticket types of their roles in their estates (ticket-scope.ts); any other ticket
 * is not found. The actor of every action is the signed-in identity.
 */
export const ticketRoutes =
  (desk: TicketDesk): FastifyPluginAsyncZod =>
  async (app) => {
    /** The ticket if the caller may see it; not found otherwise, exactly as for an unknown id. */
    const visibleTicket = async (caller: Caller, id: string): Promise<Ticket> => {
      const ticket = await desk.get(id);
      if (!ticket || !callerSeesTicket(caller, ticket)) throw notFound('ticket', id);
      return ticket;
    };

    app.get(
      '/tickets',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'List tickets the caller may see, newest first',
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
          response: { 200: z.object({ tickets: z.array(TicketViewSchema) }), 400: ErrorBodySchema, 401: ErrorBodySchema },
        },
      },
      async (request) => {
        const { estate_id, status, type, limit, offset } = request.query;
        const visibleTo = ticketVisibilityOf(signedInCaller(request));
        const tickets = await desk.list({ visibleTo, estateId: estate_id, statuses: status, type, limit, offset });
        return { tickets: tickets.map(toTicketView) };
      },
    );

    app.get(
      '/tickets/:id',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'One ticket with its audit trail',
          params: TicketIdParams,
          response: { 200: z.object({ ticket: TicketViewSchema, audit: z.array(AuditEntryViewSchema) }), ...errorResponses },
        },
      },
      async (request) => {
        const ticket = await visibleTicket(signedInCaller(request), request.params.id);
        const audit = await desk.auditTrail(ticket.id);
        return { ticket: toTicketView(ticket), audit: audit.map(toAuditEntryView) };
      },
    );

    app.post(
      '/tickets/:id/ack',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'Acknowledge a ticket: someone has it in hand',
          params: TicketIdParams,
          response: { 200: z.object({ ticket: TicketViewSchema }), ...errorResponses },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        const ticket = await visibleTicket(caller, request.params.id);
        return { ticket: toTicketView(await desk.acknowledge(ticket.id, actorLabel(caller))) };
      },
    );

    app.post(
      '/tickets/:id/on-site',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'Record arrival on site',
          params: TicketIdParams,
          response: { 200: z.object({ ticket: TicketViewSchema }), ...errorResponses },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        const ticket = await visibleTicket(caller, request.params.id);
        return { ticket: toTicketView(await desk.markOnSite(ticket.id, actorLabel(caller))) };
      },
    );

    app.post(
      '/tickets/:id/resolve',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'Resolve a ticket with an outcome code of its category (GET /ticket-categories) and a note',
          params: TicketIdParams,
          body: z.object({
            outcome_code: OutcomeCodeSchema,
            note: z.string().trim().max(2000).optional(),
          }),
          response: { 200: z.object({ ticket: TicketViewSchema }), ...errorResponses },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        const ticket = await visibleTicket(caller, request.params.id);
        const { outcome_code, note } = request.body;
        return { ticket: toTicketView(await desk.resolve(ticket.id, actorLabel(caller), outcome_code, note || null)) };
      },
    );
  };
