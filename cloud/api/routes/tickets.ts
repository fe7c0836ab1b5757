import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AlertCategorySchema, SLUG_PATTERN } from '../../../shared/contract/index.js';
import { FollowUpOutcomeSchema, OutcomeCodeSchema, TicketStatusSchema } from '../../tickets/ticket.js';
import type { WorkOrderAction } from '../../tickets/work-order-actions.js';
import { callerMay, demand } from '../../access/access-scope.js';
import type { TicketService } from '../../tickets/ticket-service.js';
import { MAX_LIST_LIMIT as MAX_PAGE_SIZE, DEFAULT_LIST_LIMIT as DEFAULT_PAGE_SIZE } from '../../tickets/ticket-repository.js';
import { AuditEntryViewSchema, TicketViewSchema, toAuditEntryView, toTicketView } from '../ticket-view.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { actorLabel, actorOf, type Caller } from '../../access/caller.js';
import { invalidField, notFound } from '../../platform/app-error.js';
import { callerSeesTicket, ticketVisibilityOf } from '../../tickets/ticket-scope.js';
import type { Ticket } from '../../tickets/ticket.js';

/**
 * What the ticket routes need from the ticket service; "now" comes from the service's clock. Unknown
 * ids, illegal transitions and outcome codes of another category throw the coded errors of
 * tickets/ticket-errors.ts (404, 409 and 400).
 */
export type TicketDesk = Pick<TicketService, 'list' | 'get' | 'auditTrail' | 'act'>;

/** Staff ids among `staffIds` who hold no role in the ticket's estate that handles its category. */
export type StaffEligibility = (ticket: Ticket, staffIds: readonly string[]) => Promise<string[]>;


const TicketIdParams = z.object({ id: z.uuid({ message: 'ticket id must be a UUID' }) });
const errorResponses = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

/**
 * Tickets: the housekeeper's and facilities team's work list, and the actions on one ticket. Each
 * caller sees the ticket types of their roles in their estates (ticket-scope.ts); any other ticket
 * is not found. The actor of every action is the signed-in identity.
 */
export const ticketRoutes =
  (desk: TicketDesk, staffWhoCannotTake: StaffEligibility): FastifyPluginAsyncZod =>
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
            mine: z.enum(['true', 'false']).optional().describe('true: only tickets assigned to the caller (我的工单)'),
            limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.object({ tickets: z.array(TicketViewSchema) }), 400: ErrorBodySchema, 401: ErrorBodySchema },
        },
      },
      async (request) => {
        const { estate_id, status, type, mine, limit, offset } = request.query;
        const caller = signedInCaller(request);
        const visibleTo = ticketVisibilityOf(caller);
        const assigneeId = mine === 'true' ? actorOf(caller).id : undefined;
        const tickets = await desk.list({ visibleTo, estateId: estate_id, statuses: status, type, assigneeId, limit, offset });
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

    /**
     * One work-order action on a ticket the caller sees; the actor is the signed-in identity. A
     * supervising action also needs ticket.supervise in the ticket's estate (403 otherwise).
     */
    const actionRoute = <B extends z.ZodType>(
      path: string,
      summary: string,
      body: B | null,
      toAction: (by: string, body: z.infer<B>, ticket: Ticket, caller: Caller) => Promise<WorkOrderAction> | WorkOrderAction,
      supervising = false,
    ) =>
      app.post(
        `/tickets/:id/${path}`,
        {
          config: { access: supervising ? { permission: 'ticket.supervise' } : 'signed_in' },
          schema: { summary, params: TicketIdParams, ...(body ? { body } : {}), response: { 200: z.object({ ticket: TicketViewSchema }), ...errorResponses, 403: ErrorBodySchema } },
        },
        async (request) => {
          const caller = signedInCaller(request);
          const ticket = await visibleTicket(caller, (request.params as { id: string }).id);
          if (supervising) demand(caller, 'ticket.supervise', { estateId: ticket.estateId });
          const action = await toAction(actorLabel(caller), request.body as z.infer<B>, ticket, caller);
          return { ticket: toTicketView(await desk.act(ticket.id, { ...action, staffId: actorOf(caller).id })) };
        },
      );

    const Reason = z.string().trim().min(1, 'a reason is required').max(500);
    const Note = z.string().trim().max(2000).optional();

    actionRoute('ack', 'Acknowledge (接单): someone has it in hand; stops "nobody answered"', null, (by) => ({ kind: 'acknowledge', by }));
    actionRoute('grab', 'Take a ticket from the grab pool (抢单): assigned to the caller and acknowledged', null, (by) => ({ kind: 'grab', by }));
    actionRoute('on-site', 'Record arrival on site (到场)', null, (by) => ({ kind: 'on_site', by }));
    actionRoute(
      'resolve',
      'Resolve (回单) with an outcome code of its category (GET /ticket-categories), a note and an optional photo reference',
      z.object({ outcome_code: OutcomeCodeSchema, note: Note, photo_ref: z.string().trim().min(1).max(500).optional().describe('where the photo is kept') }),
      (by, body) => ({ kind: 'resolve', by, outcomeCode: body.outcome_code, note: body.note || null, photoRef: body.photo_ref ?? null }),
    );
    actionRoute('false-alarm', 'Mark a false alarm (误报): resolved as false_alarm, closed without a follow-up', z.object({ note: Note }), (by, body) => ({
      kind: 'resolve',
      by,
      outcomeCode: 'false_alarm',
      note: body.note || null,
    }));
    actionRoute('hand-back', 'Hand back (退回) with a reason: it goes to the next person on duty', z.object({ reason: Reason }), (by, body) => ({ kind: 'hand_back', by, reason: body.reason }));
    actionRoute(
      'hold',
      'Ask to put on hold (挂起/延期) with a reason and a new due time; a supervisor approves (a supervisor asking approves at once)',
      z.object({ reason: Reason, until: z.iso.datetime({ offset: true, message: 'until must be an ISO 8601 time' }) }),
      (by, body, ticket, caller) => ({ kind: 'request_hold', by, reason: body.reason, until: Date.parse(body.until), approved: callerMay(caller, 'ticket.supervise', { estateId: ticket.estateId }) }),
    );
    actionRoute('hold/approve', 'Approve a hold: the on-site deadline moves to its due time', null, (by) => ({ kind: 'approve_hold', by }), true);
    actionRoute('hold/refuse', 'Refuse a hold', z.object({ reason: Reason.optional() }), (by, body) => ({ kind: 'refuse_hold', by, reason: body.reason ?? null }), true);
    actionRoute(
      'reassign',
      'Reassign (转派) to other staff of the estate who handle its category',
      z.object({ to: z.array(z.string().min(1).max(64)).min(1).max(5), reason: Reason.optional() }),
      async (by, body, ticket) => {
        const refused = await staffWhoCannotTake(ticket, body.to);
        if (refused.length) throw invalidField('to', `${refused.join(', ')} cannot take a ${ticket.type} ticket in estate ${ticket.estateId}`);
        return { kind: 'reassign', by, to: body.to, reason: body.reason ?? null };
      },
      true,
    );
    actionRoute('follow-up', 'Record the follow-up call (回访); any outcome but needs_more closes the ticket', z.object({ outcome: FollowUpOutcomeSchema, note: Note }), (by, body) => ({
      kind: 'follow_up',
      by,
      outcome: body.outcome,
      note: body.note || null,
    }));
    actionRoute('close', 'Force-close (强制闭单) with a reason', z.object({ reason: Reason }), (by, body) => ({ kind: 'close', by, reason: body.reason }), true);
  };
