import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LocalIdSchema } from '../../../shared/contract/index.js';
import { demand, requireEstate } from '../../access/access-scope.js';
import type { Caller } from '../../access/caller.js';
import { generatedPassword } from '../../access/generated-password.js';
import { callerManagesGrant, managesWholly } from '../../access/managed-staff.js';
import { RoleSchema } from '../../access/roles.js';
import type { StaffMember } from '../../access/staff-repository.js';
import type { StaffService } from '../../access/staff-service.js';
import { isoOrNull } from '../api-time.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { AnyBody } from '../any-body.js';

export type StaffDesk = Pick<StaffService, 'addStaff' | 'list' | 'resetPassword' | 'revokeSessions' | 'disable' | 'setMentionHandles'>;

export const StaffParams = z.object({ staff_id: z.uuid({ message: 'a staff id is a UUID' }) });

const StaffViewSchema = z.object({
  id: z.string(),
  login: z.string(),
  display_name: z.string(),
  /** How WeCom and DingTalk robots mention them. */
  mobile: z.string().nullable(),
  /** How Feishu bots mention them. */
  feishu_open_id: z.string().nullable(),
  /** False for an account that signs in only with API tokens (an integration). */
  has_password: z.boolean(),
  disabled_at: z.iso.datetime().nullable(),
  /** The member's roles in estates the caller administers (estate_id null: admin of every estate). */
  roles: z.array(z.object({ estate_id: z.string().nullable(), role: RoleSchema, building_ids: z.array(z.string()).nullable() })),
  /** Roles in estates the caller does not administer: then only an administrator of all of them changes the account. */
  roles_elsewhere: z.boolean(),
});

/** A member as the caller may see them: no roles of estates the caller does not administer (another estate's ids stay hidden). */
function staffView(caller: Caller, member: StaffMember): z.infer<typeof StaffViewSchema> {
  return {
    id: member.id,
    login: member.login,
    display_name: member.displayName,
    mobile: member.mobile,
    feishu_open_id: member.feishuOpenId,
    has_password: member.hasPassword,
    disabled_at: isoOrNull(member.disabledAt),
    roles: member.grants
      .filter((grant) => callerManagesGrant(caller, grant))
      .map((grant) => ({ estate_id: grant.estateId, role: grant.role, building_ids: grant.buildingIds ? [...grant.buildingIds] : null })),
    roles_elsewhere: !managesWholly(caller, member),
  };
}

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };
/** A password the administrator generated, shown in this answer once (only its hash is stored); null when one was given. */
const GeneratedPasswordSchema = z.string().nullable();

/**
 * Staff accounts as an administrator manages them: members holding a role in an estate the caller
 * administers. A change to a whole account (password, sessions, disabling) needs an administrator
 * of every estate the member holds a role in (cloud/access/README.md).
 */
export const staffRoutes =
  (desk: StaffDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/staff',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: {
          summary: 'Staff holding a role in an estate the caller administers (optionally in one estate), by login',
          querystring: z.object({ estate_id: LocalIdSchema.optional() }),
          response: { 200: z.object({ staff: z.array(StaffViewSchema) }), ...errors },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        const { estate_id } = request.query;
        if (estate_id !== undefined) {
          requireEstate(caller, estate_id);
          demand(caller, 'staff.manage', { estateId: estate_id });
        }
        const members = (await desk.list(caller)).filter((member) => estate_id === undefined || member.grants.some((grant) => grant.estateId === estate_id));
        return { staff: members.map((member) => staffView(caller, member)) };
      },
    );

    app.post(
      '/staff',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: {
          summary:
            'Add a staff member with roles (login, display_name, grants: [{ estate_id, role, building_ids }]). Without a password one is generated and returned once; password null: an account for API tokens only',
          body: AnyBody,
          response: { 201: z.object({ staff: StaffViewSchema, generated_password: GeneratedPasswordSchema }), ...errors },
        },
      },
      async (request, reply) => {
        const caller = signedInCaller(request);
        const generated = 'password' in request.body ? null : generatedPassword();
        const member = await desk.addStaff(caller, (generated === null ? request.body : { ...request.body, password: generated }) as never);
        return reply.code(201).send({ staff: staffView(caller, member), generated_password: generated });
      },
    );

    app.patch(
      '/staff/:staff_id',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: {
          summary: 'Set how chat robots mention the member (mobile for WeCom and DingTalk, feishu_open_id for Feishu); what is left out stays, null clears',
          params: StaffParams,
          body: AnyBody,
          response: { 200: StaffViewSchema, ...errors },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        return staffView(caller, await desk.setMentionHandles(caller, { id: request.params.staff_id }, request.body as never));
      },
    );

    app.post(
      '/staff/:staff_id/password-reset',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: {
          summary: "Set a new password (the one given, or one generated and returned once): ends the member's sessions and lifts a lockout",
          params: StaffParams,
          body: z.object({ password: z.string() }).partial().nullish(),
          response: { 200: z.object({ revoked_sessions: z.number().int(), generated_password: GeneratedPasswordSchema }), ...errors },
        },
      },
      async (request) => {
        const given = request.body?.password;
        const password = given ?? generatedPassword();
        const { revokedSessions } = await desk.resetPassword(signedInCaller(request), { id: request.params.staff_id }, password);
        return { revoked_sessions: revokedSessions, generated_password: given === undefined ? password : null };
      },
    );

    app.post(
      '/staff/:staff_id/disable',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: { summary: 'Disable the account (someone who leaves): no sign-in, and its sessions and API tokens stop at once', params: StaffParams, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await desk.disable(signedInCaller(request), { id: request.params.staff_id });
        return reply.code(204).send(null);
      },
    );

    app.delete(
      '/staff/:staff_id/sessions',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: {
          summary: "End every session of the member at once (a lost phone); their API tokens stay",
          params: StaffParams,
          response: { 200: z.object({ revoked_sessions: z.number().int() }), ...errors },
        },
      },
      async (request) => ({ revoked_sessions: await desk.revokeSessions(signedInCaller(request), { id: request.params.staff_id }) }),
    );
  };
