import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayIdSchema, RuleParametersSchema } from '../../../shared/contract/index.js';
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
  /** The rule parameters. The care section is not shown: it holds residents' care records. */
  rules: RuleParametersSchema,
  /** How many households the config has the gateway watch over (their records: /estates/{estate_id}/households). */
  care_households: z.number().int(),
});

const Params = z.object({ id: GatewayIdSchema });
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema };

/**
 * A gateway's rule parameters (lifts, devices, water), read and replaced only by an administrator of
 * the gateway's estate (permission gateway.config). The config the gateway runs also holds the
 * care profiles of enrolled households; those come only from the households' records (consent,
 * carers, away periods; routes/households.ts), so an administrator neither reads them here (PIPL
 * Art. 6, minimum necessary) nor replaces them outside their versioned changes.
 */
export const gatewayConfigRoutes =
  (service: GatewayConfigService, reported: ReportedVersions, directory: GatewayDirectoryView): FastifyPluginAsyncZod =>
  async (app) => {
    const view = async (config: StoredGatewayConfig) => {
      const { care, ...parameters } = config.rules;
      return {
        gateway_id: config.gatewayId,
        config_version: String(config.version),
        issued_at: iso(config.issuedAt),
        issued_by: config.issuedBy,
        reported_config_version: await reported.reportedConfigVersion(config.gatewayId),
        rules: parameters,
        care_households: care.households.length,
      };
    };

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
          summary: "Set a gateway's rule parameters: stored as a new version with its care section as it is, and sent to the gateway (retained)",
          params: Params,
          body: z.object({ rules: RuleParametersSchema }),
          response: { 200: ConfigViewSchema, ...errors },
        },
      },
      async (request) => {
        const caller = signedInCaller(request);
        await visibleGateway(directory, caller, request.params.id, 'gateway.config');
        const parameters = request.body.rules;
        return view(await service.change(request.params.id, async (current) => ({ ...parameters, care: current.care }), actorLabel(caller)));
      },
    );
  };
