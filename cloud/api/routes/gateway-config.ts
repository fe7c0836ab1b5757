import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayIdSchema, RulesConfigSchema } from '../../../shared/contract/index.js';
import { iso } from '../api-time.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { actorLabel } from '../../access/caller.js';
import { AppError } from '../../platform/app-error.js';
import { visibleGateway, type GatewayDirectoryView } from '../visible-gateway.js';
import type { GatewayConfigService } from '../../config-delivery/gateway-config-service.js';
import type { StoredGatewayConfig } from '../../config-delivery/gateway-config-repository.js';

export interface ReportedVersions {
  /** The config version the gateway last reported in its status, if any. */
  reportedConfigVersion(gatewayId: string): Promise<string | null>;
}

const ConfigViewSchema = z.object({
  gateway_id: z.string(),
  config_version: z.string(),
  issued_at: z.iso.datetime(),
  issued_by: z.string(),
  /** What the gateway says it runs; equal to config_version once it has taken the config. */
  reported_config_version: z.string().nullable(),
  rules: RulesConfigSchema,
});

const Params = z.object({ id: GatewayIdSchema });
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema };

/**
 * A gateway's rules config: care profiles of enrolled households and rule parameters. Read and
 * replaced only by an administrator of the gateway's estate (permission gateway.config).
 */
export const gatewayConfigRoutes =
  (service: GatewayConfigService, reported: ReportedVersions, directory: GatewayDirectoryView): FastifyPluginAsyncZod =>
  async (app) => {
    const view = async (config: StoredGatewayConfig) => ({
      gateway_id: config.gatewayId,
      config_version: String(config.version),
      issued_at: iso(config.issuedAt),
      issued_by: config.issuedBy,
      reported_config_version: await reported.reportedConfigVersion(config.gatewayId),
      rules: config.rules,
    });

    app.get(
      '/gateways/:id/config',
      {
        config: { access: { permission: 'gateway.config' } },
        schema: { summary: "A gateway's current rules config and the version it reports running", params: Params, response: { 200: ConfigViewSchema, ...errors } },
      },
      async (request) => {
        await visibleGateway(directory, signedInCaller(request), request.params.id, 'gateway.config');
        const config = await service.latest(request.params.id);
        if (!config) throw new AppError('not_found', 'config_not_found', `gateway ${request.params.id} has no rules config yet; it runs its defaults`);
        return view(config);
      },
    );

    app.put(
      '/gateways/:id/config',
      {
        config: { access: { permission: 'gateway.config' } },
        schema: {
          summary: "Set a gateway's rules config: stored as a new version and sent to the gateway (retained)",
          params: Params,
          body: z.object({ rules: RulesConfigSchema }),
          response: { 200: ConfigViewSchema, ...errors },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        await visibleGateway(directory, caller, request.params.id, 'gateway.config');
        return view(await service.set(request.params.id, request.body.rules, actorLabel(caller)));
      },
    );
  };
