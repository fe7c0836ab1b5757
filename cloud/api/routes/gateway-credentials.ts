import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayIdSchema } from '../../../shared/contract/index.js';
import { isoOrNull } from '../api-time.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { CREDENTIAL_MANAGE, CREDENTIAL_READ, type GatewayCredentialService } from '../../registry/gateway-credential-service.js';
import type { GatewayCredentialState } from '../../registry/gateway-credential-repository.js';

export type GatewayCredentialDesk = Pick<GatewayCredentialService, 'issue' | 'revoke' | 'state'>;

const CredentialStateSchema = z.object({
  gateway_id: z.string(),
  estate_id: z.string(),
  /** none: never issued; active: a password is in force; revoked: the last one was revoked. */
  state: z.enum(['none', 'active', 'revoked']),
  credential_id: z.string().nullable(),
  issued_at: z.iso.datetime().nullable(),
  issued_by: z.string().nullable(),
  revoked_at: z.iso.datetime().nullable(),
  revoked_by: z.string().nullable(),
  /** How many of the gateway's passwords a newer one replaced. */
  rotations: z.number().int(),
});

const IssuedSchema = CredentialStateSchema.extend({
  /** The gateway's MQTT password (its uplink.password), shown this once. */
  password: z.string(),
  /** True when it replaced a password in force, which is refused from the gateway's next connect. */
  rotated: z.boolean(),
});

function viewOf(state: GatewayCredentialState): z.infer<typeof CredentialStateSchema> {
  return {
    gateway_id: state.gatewayId,
    estate_id: state.estateId,
    state: state.state,
    credential_id: state.credentialId,
    issued_at: isoOrNull(state.issuedAt),
    issued_by: state.issuedBy,
    revoked_at: isoOrNull(state.revokedAt),
    revoked_by: state.revokedBy,
    rotations: state.rotations,
  };
}

const Params = z.object({ id: GatewayIdSchema });
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema };

/**
 * A gateway's MQTT credential in the registry (cloud/registry/gateway-credential-service.ts): an
 * administrator of its estate issues or rotates it (the password is in the answer once) and revokes
 * it; whoever sees the gateway sees whether it has one. A gateway of another estate is 404.
 */
export const gatewayCredentialRoutes =
  (desk: GatewayCredentialDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/gateways/:id/credentials',
      {
        config: { access: { permission: CREDENTIAL_READ } },
        schema: { summary: "Whether a gateway has an MQTT password in force, since when and issued by whom (never the password)", params: Params, response: { 200: CredentialStateSchema, ...errors } },
      },
      async (request) => viewOf(await desk.state(signedInCaller(request), request.params.id)),
    );

    app.post(
      '/gateways/:id/credentials',
      {
        config: { access: { permission: CREDENTIAL_MANAGE } },
        schema: {
          summary: "Issue a gateway a new generated MQTT password, shown once; one in force is replaced and refused from the gateway's next connect",
          params: Params,
          response: { 201: IssuedSchema, ...errors },
        },
      },
      async (request, reply) => {
        const issued = await desk.issue(signedInCaller(request), request.params.id);
        // The password is in this answer only: no cache may keep it (RFC 9111 section 5.2.2.5).
        return reply.code(201).header('cache-control', 'no-store').send({ ...viewOf(issued.state), password: issued.password, rotated: issued.rotated });
      },
    );

    app.delete(
      '/gateways/:id/credentials',
      {
        config: { access: { permission: CREDENTIAL_MANAGE } },
        schema: { summary: "Revoke a gateway's MQTT password: refused from its next connect until a new one is issued", params: Params, response: { 200: CredentialStateSchema, ...errors } },
      },
      async (request) => viewOf(await desk.revoke(signedInCaller(request), request.params.id)),
    );
  };
