import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SignInService } from '../../access/sign-in-service.js';
import type { Caller } from '../../access/caller.js';
import { RoleSchema } from '../../access/roles.js';
import { ErrorBodySchema } from '../error-body.js';
import { iso } from '../api-time.js';
import { signedInCaller } from '../auth/authentication.js';
import { clearedSessionCookie, presentedToken, sessionCookie } from '../auth/presented-token.js';

export type SessionDesk = Pick<SignInService, 'signIn' | 'signOut'>;

const MeSchema = z.object({
  kind: z.enum(['staff', 'api_token', 'operator']),
  staff_id: z.string().nullable(),
  login: z.string().nullable(),
  /** The installation's administrator: admin of every estate. */
  all_estates: z.boolean(),
  estates: z.array(z.object({ estate_id: z.string(), roles: z.array(z.object({ role: RoleSchema, building_ids: z.array(z.string()).nullable() })) })),
});

function meOf(caller: Caller): z.infer<typeof MeSchema> {
  const { identity } = caller;
  const estates = new Map<string, Array<{ role: Caller['grants'][number]['role']; building_ids: string[] | null }>>();
  for (const grant of caller.grants) {
    estates.set(grant.estateId, [...(estates.get(grant.estateId) ?? []), { role: grant.role, building_ids: grant.buildingIds ? [...grant.buildingIds] : null }]);
  }
  return {
    kind: identity.kind,
    staff_id: identity.kind === 'operator' ? null : identity.staffId,
    login: identity.kind === 'operator' ? null : identity.login,
    all_estates: caller.allEstates,
    estates: [...estates].map(([estate_id, roles]) => ({ estate_id, roles })),
  };
}

/**
 * Signing in and out. The console keeps the session in an HttpOnly, SameSite=Strict cookie; an API
 * client may send the returned token as "Authorization: Bearer <token>" instead.
 */
export const sessionRoutes =
  (desk: SessionDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/session',
      {
        config: { access: 'public' },
        schema: {
          summary: 'Sign in with login and password: sets the session cookie and returns the session token once',
          body: z.object({ login: z.string().max(256), password: z.string().max(1024) }),
          response: {
            201: z.object({ token: z.string(), expires_at: z.iso.datetime(), idle_expires_at: z.iso.datetime(), me: MeSchema }),
            400: ErrorBodySchema,
            401: ErrorBodySchema,
            429: ErrorBodySchema,
          },
        },
      },
      async (request, reply) => {
        const signedIn = await desk.signIn({ login: request.body.login, password: request.body.password, address: request.ip });
        reply.header('set-cookie', sessionCookie(signedIn.token, request.protocol === 'https'));
        reply.header('cache-control', 'no-store');
        return reply.code(201).send({
          token: signedIn.token,
          expires_at: iso(signedIn.expiresAt),
          idle_expires_at: iso(signedIn.idleExpiresAt),
          me: meOf(signedIn.caller),
        });
      },
    );

    app.delete(
      '/session',
      {
        config: { access: 'signed_in' },
        schema: { summary: 'Sign out: ends this session at once and clears the cookie', response: { 204: z.null(), 401: ErrorBodySchema } },
      },
      async (request, reply) => {
        const token = presentedToken(request.headers);
        if (token) await desk.signOut(token);
        reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/me',
      {
        config: { access: 'signed_in' },
        schema: { summary: 'Who is signed in: identity, estates and roles', response: { 200: MeSchema, 401: ErrorBodySchema } },
      },
      async (request) => meOf(signedInCaller(request)),
    );
  };
