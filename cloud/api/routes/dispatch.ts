import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SLUG_PATTERN } from '../../../shared/contract/index.js';
import { demand } from '../../access/access-scope.js';
import { actorLabel, type Caller } from '../../access/caller.js';
import { notFound } from '../../platform/app-error.js';
import type { Permission } from '../../access/permissions.js';
import { DutyShiftInputSchema, DUTY_ROLES, type DutyShift } from '../../dispatch/duty-roster.js';
import { DispatchPolicyChangesSchema, estatePolicyOf, policyTerms } from '../../dispatch/dispatch-policy.js';
import { DEFAULT_TICKET_POLICY } from '../../tickets/ticket-policy.js';
import type { RosterRepository } from '../../dispatch/roster-repository.js';
import type { DispatchPolicyRepository, StoredDispatchPolicy } from '../../dispatch/dispatch-policy-repository.js';
import type { DispatchModule } from '../../dispatch/dispatch-module.js';
import { ESCALATION_AUDIENCES } from '../../tickets/ticket-policy.js';
import { ROLES } from '../../access/roles.js';
import type { Clock } from '../../../shared/time/clock.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { iso, isoOrNull } from '../api-time.js';

export interface DispatchDesk {
  roster: Pick<RosterRepository, 'list' | 'add' | 'remove'>;
  policies: Pick<DispatchPolicyRepository, 'get' | 'put'>;
  supervision: DispatchModule['supervision'];
  clock: Clock;
}

const EstateParams = z.object({ estate_id: z.string().regex(SLUG_PATTERN, 'must be an estate id') });
const ShiftParams = EstateParams.extend({ shift_id: z.uuid({ message: 'shift id must be a UUID' }) });
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

const ShiftViewSchema = z.object({
  id: z.string(),
  staff_id: z.string(),
  role: z.enum(DUTY_ROLES),
  building_ids: z.array(z.string()).nullable(),
  weekdays: z.array(z.number().int()),
  starts_at: z.string(),
  ends_at: z.string(),
});

const PolicyViewSchema = z.object({
  estate_id: z.string(),
  version: z.number().int(),
  changes: z.record(z.string(), z.unknown()).describe('per category, what differs from the defaults'),
  effective: z.record(z.string(), z.unknown()).describe('per category, every term in force: the defaults with the changes laid over them'),
  defaults: z.record(z.string(), z.unknown()).describe('per category, the terms of an estate that changed nothing'),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
});

const TeamMemberViewSchema = z.object({
  staff_id: z.string(),
  display_name: z.string(),
  roles: z.array(z.object({ role: z.enum(ROLES), building_ids: z.array(z.string()).nullable(), on_duty_now: z.boolean() })),
  open_tickets: z.number().int().describe('tickets of the estate assigned to them and still being worked'),
});

const EscalationViewSchema = z.object({
  ticket_id: z.string(),
  chain: z.enum(['ack', 'on_site', 'follow_up']).describe('what the chain waits for: acceptance, arrival, the follow-up call'),
  step: z.number().int().describe("the chain's step reached, 1 first"),
  round: z.number().int().describe('repeats of the step so far'),
  audience: z.enum(ESCALATION_AUDIENCES),
  at: z.string(),
  deadline: z.string().describe('the deadline the chain counts from'),
  recipients: z.array(z.object({ staff_id: z.string(), display_name: z.string() })),
});

function policyView(stored: StoredDispatchPolicy): z.infer<typeof PolicyViewSchema> {
  return {
    estate_id: stored.estateId,
    version: stored.version,
    changes: stored.changes,
    effective: policyTerms(estatePolicyOf(stored.version, stored.changes).categories),
    defaults: policyTerms(DEFAULT_TICKET_POLICY),
    updated_at: isoOrNull(stored.updatedAt),
    updated_by: stored.updatedBy,
  };
}

function shiftView(shift: DutyShift): z.infer<typeof ShiftViewSchema> {
  return { id: shift.id, staff_id: shift.staffId, role: shift.role, building_ids: shift.buildingIds, weekdays: shift.weekdays, starts_at: shift.startsAt, ends_at: shift.endsAt };
}

/** An estate where the caller holds no role reads as not found; one where their roles lack the permission, forbidden. */
function requireIn(caller: Caller, estateId: string, permission: Permission): void {
  if (!caller.grants.some((grant) => grant.estateId === estateId)) throw notFound('estate', estateId);
  demand(caller, permission, { estateId });
}

/**
 * The duty roster (排班) and the dispatch policy of an estate. Shifts are in the estate's time zone;
 * a shift ending at or before it starts runs past midnight. The policy holds only what differs from
 * the defaults; a change names the version it was made from (If-Match) and never alters tickets
 * already open, which keep the chains they copied.
 */
export const dispatchRoutes =
  (desk: DispatchDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/estates/:estate_id/duty-shifts',
      {
        config: { access: { permission: 'dispatch.read' } },
        schema: { summary: 'The duty roster of the estate', params: EstateParams, response: { 200: z.object({ shifts: z.array(ShiftViewSchema) }), ...errors } },
      },
      async (request) => {
        requireIn(signedInCaller(request), request.params.estate_id, 'dispatch.read');
        return { shifts: (await desk.roster.list(request.params.estate_id)).map(shiftView) };
      },
    );

    app.post(
      '/estates/:estate_id/duty-shifts',
      {
        config: { access: { permission: 'roster.manage' } },
        schema: { summary: 'Add a shift to the roster', params: EstateParams, body: DutyShiftInputSchema, response: { 201: ShiftViewSchema, ...errors } },
      },
      async (request, reply) => {
        const caller = signedInCaller(request);
        requireIn(caller, request.params.estate_id, 'roster.manage');
        const shift = await desk.roster.add(request.params.estate_id, request.body, actorLabel(caller), desk.clock.now());
        return reply.code(201).send(shiftView(shift));
      },
    );

    app.delete(
      '/estates/:estate_id/duty-shifts/:shift_id',
      {
        config: { access: { permission: 'roster.manage' } },
        schema: { summary: 'Remove a shift from the roster', params: ShiftParams, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        requireIn(signedInCaller(request), request.params.estate_id, 'roster.manage');
        await desk.roster.remove(request.params.estate_id, request.params.shift_id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/estates/:estate_id/team',
      {
        config: { access: { permission: 'dispatch.read' } },
        schema: {
          summary: "The estate's staff by name and role, who is on duty now, and each one's open tickets",
          params: EstateParams,
          response: { 200: z.object({ members: z.array(TeamMemberViewSchema) }), ...errors },
        },
      },
      async (request) => {
        requireIn(signedInCaller(request), request.params.estate_id, 'dispatch.read');
        const members = await desk.supervision.team(request.params.estate_id, desk.clock.now());
        return {
          members: members.map((member) => ({
            staff_id: member.staffId,
            display_name: member.displayName,
            roles: member.roles.map((held) => ({ role: held.role, building_ids: held.buildingIds, on_duty_now: held.onDutyNow })),
            open_tickets: member.openTickets,
          })),
        };
      },
    );

    app.get(
      '/estates/:estate_id/escalations',
      {
        config: { access: { permission: 'ticket.supervise' } },
        schema: {
          summary: 'Escalations (升级) still running: per ticket and chain, the last step taken while the chain still waits',
          params: EstateParams,
          response: { 200: z.object({ escalations: z.array(EscalationViewSchema) }), ...errors },
        },
      },
      async (request) => {
        requireIn(signedInCaller(request), request.params.estate_id, 'ticket.supervise');
        const escalations = await desk.supervision.escalations(request.params.estate_id);
        return {
          escalations: escalations.map((escalation) => ({
            ticket_id: escalation.ticketId,
            chain: escalation.chain,
            step: escalation.step,
            round: escalation.round,
            audience: escalation.audience,
            at: iso(escalation.at),
            deadline: iso(escalation.deadline),
            recipients: escalation.recipients.map((recipient) => ({ staff_id: recipient.staffId, display_name: recipient.displayName })),
          })),
        };
      },
    );

    app.get(
      '/estates/:estate_id/dispatch-policy',
      {
        config: { access: { permission: 'dispatch.read' } },
        schema: { summary: "The estate's dispatch policy: SLA windows, escalation chains, grab pool, follow-up (changes from the defaults)", params: EstateParams, response: { 200: PolicyViewSchema, ...errors } },
      },
      async (request) => {
        requireIn(signedInCaller(request), request.params.estate_id, 'dispatch.read');
        return policyView(await desk.policies.get(request.params.estate_id));
      },
    );

    app.put(
      '/estates/:estate_id/dispatch-policy',
      {
        config: { access: { permission: 'dispatch.policy' } },
        schema: {
          summary: "Replace the estate's dispatch policy changes; If-Match names the version they were made from (0 before the first)",
          params: EstateParams,
          headers: z.object({ 'if-match': z.string().regex(/^"?\d+"?$/, 'If-Match must name the policy version, e.g. "3"') }),
          body: DispatchPolicyChangesSchema,
          response: { 200: PolicyViewSchema, ...errors },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        requireIn(caller, request.params.estate_id, 'dispatch.policy');
        const fromVersion = Number(request.headers['if-match'].replaceAll('"', ''));
        return policyView(await desk.policies.put(request.params.estate_id, request.body, fromVersion, actorLabel(caller), desk.clock.now()));
      },
    );
  };
