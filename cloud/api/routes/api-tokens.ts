import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiTokenSummary } from '../../access/api-token-repository.js';
import type { ApiTokenService } from '../../access/api-token-service.js';
import { iso, isoOrNull } from '../api-time.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { AnyBody } from '../any-body.js';
import { StaffParams } from './staff.js';

export type ApiTokenDesk = Pick<ApiTokenService, 'issue' | 'list' | 'revoke'>;

/** A token without its secret: the secret is in the answer that issues it, and nowhere after. */
const ApiTokenViewSchema = z.object({
  id: z.string(),
  staff_id: z.string(),
  name: z.string(),
  created_at: z.iso.datetime(),
  created_by: z.string(),
  expires_at: z.iso.datetime().nullable(),
  last_used_at: z.iso.datetime().nullable(),
  revoked_at: z.iso.datetime().nullable(),
});

const tokenView = (token: ApiTokenSummary): z.infer<typeof ApiTokenViewSchema> => ({
  id: token.id,
  staff_id: token.staffId,
  name: token.name,
  created_at: iso(token.createdAt),
  created_by: token.createdBy,
  expires_at: isoOrNull(token.expiresAt),
  last_used_at: isoOrNull(token.lastUsedAt),
  revoked_at: isoOrNull(token.revokedAt),
});

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

/**
 * API tokens an administrator issues to an account (an integration gets an account of its own):
 * the token acts with that account's roles until it expires or is revoked.
 */
export const apiTokenRoutes =
  (desk: ApiTokenDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/staff/:staff_id/api-tokens',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: {
          summary: 'Issue an API token to the account ({ name, expires_in_days }): the token is in this answer only',
          params: StaffParams,
          body: AnyBody,
          response: { 201: z.object({ token: z.string(), api_token: ApiTokenViewSchema }), ...errors },
        },
      },
      async (request, reply) => {
        const issued = await desk.issue(signedInCaller(request), { id: request.params.staff_id }, request.body as never);
        return reply.code(201).send({ token: issued.token, api_token: tokenView(issued.summary) });
      },
    );

    app.get(
      '/api-tokens',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: {
          summary: 'API tokens of accounts the caller administers (optionally of one), newest first, without their secrets',
          querystring: z.object({ staff_id: StaffParams.shape.staff_id.optional() }),
          response: { 200: z.object({ api_tokens: z.array(ApiTokenViewSchema) }), ...errors },
        },
      },
      async (request) => {
        const { staff_id } = request.query;
        const tokens = (await desk.list(signedInCaller(request))).filter((token) => staff_id === undefined || token.staffId === staff_id);
        return { api_tokens: tokens.map(tokenView) };
      },
    );

    app.delete(
      '/api-tokens/:token_id',
      {
        config: { access: { permission: 'staff.manage' } },
        schema: { summary: 'Revoke an API token: it stops working at once', params: z.object({ token_id: z.uuid({ message: 'a token id is a UUID' }) }), response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await desk.revoke(signedInCaller(request), request.params.token_id);
        return reply.code(204).send(null);
      },
    );
  };
