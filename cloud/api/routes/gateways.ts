import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BusCountersSchema, GatewayIdSchema, OnlineStatusSchema, SLUG_PATTERN } from '../../../shared/contract/index.js';
import { isoOrNull } from '../api-time.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { estatesGranting } from '../../access/access-scope.js';
import type { GatewayStatusRecord } from '../../registry/registry-repository.js';
import { visibleGateway, type GatewayDirectoryView } from '../visible-gateway.js';

export type { GatewayDirectoryView } from '../visible-gateway.js';

export const GatewayViewSchema = z.object({
  id: z.string(),
  estate_id: z.string(),
  name: z.string(),
  /**
   * never_seen: no status yet; online: its retained status says so; offline: a clean shutdown or its
   * last will (the connection was lost). An online gateway with an empty outbox and an old watermark
   * is silent because its devices are; a backlog or an offline uplink is an outage.
   */
  uplink: z.enum(['never_seen', 'online', 'offline']),
  offline_reason: z.enum(['connection_lost', 'shutdown']).nullable(),
  last_seen_at: z.iso.datetime().nullable(),
  /** Everything with an event time up to this instant has been delivered (see the status contract). */
  watermark: z.iso.datetime().nullable(),
  /** From the last online status; kept while offline, as the last thing known. */
  outbox: OnlineStatusSchema.shape.outbox.nullable(),
  software_version: z.string().nullable(),
  config_version: z.string().nullable(),
  /** Devices offline now, from the last online status; [] when there is none. */
  devices_offline: z.array(z.string()),
  /**
   * Each field bus as the last online status counted it since the gateway started: transactions,
   * timeouts, checksum errors, exception replies, transport errors, devices and devices offline,
   * writes refused, points refused. null when there is no online status to read them from (never
   * seen, or offline now: its counters restart with it).
   */
  buses: z.array(BusCountersSchema).nullable(),
});

export function gatewayView(record: GatewayStatusRecord): z.infer<typeof GatewayViewSchema> {
  const status = record.status;
  const online = status?.online === true ? status : null;
  return {
    id: record.id,
    estate_id: record.estateId,
    name: record.name,
    uplink: status === null ? 'never_seen' : status.online ? 'online' : 'offline',
    offline_reason: status !== null && !status.online ? status.reason : null,
    last_seen_at: isoOrNull(record.lastSeenAt),
    watermark: isoOrNull(record.watermark),
    outbox: online?.outbox ?? null,
    software_version: online?.software_version ?? null,
    config_version: online?.config_version ?? null,
    devices_offline: online?.devices_offline ?? [],
    buses: online?.buses ?? null,
  };
}

/** Fleet health for operators and supervisors: every gateway's last reported status. */
export const gatewayRoutes =
  (directory: GatewayDirectoryView): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/gateways',
      {
        config: { access: { permission: 'gateway.read' } },
        schema: {
          summary: 'Every registered gateway of the estates where the caller may see gateways with its last status: online or not, delivery watermark, outbox backlog, bus counters, devices offline',
          querystring: z.object({ estate_id: z.string().regex(SLUG_PATTERN, 'must be an estate id').optional() }),
          response: { 200: z.object({ gateways: z.array(GatewayViewSchema) }), 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 503: ErrorBodySchema },
        },
      },
      async (request) => {
        const estateIds = estatesGranting(signedInCaller(request), 'gateway.read');
        return { gateways: (await directory.listGatewayStatus({ estateIds, estateId: request.query.estate_id })).map(gatewayView) };
      },
    );

    app.get(
      '/gateways/:id',
      {
        config: { access: { permission: 'gateway.read' } },
        schema: {
          summary: "One gateway's last status, with its field buses' counters and the devices offline",
          params: z.object({ id: GatewayIdSchema }),
          response: { 200: GatewayViewSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema },
        },
      },
      async (request) => gatewayView(await visibleGateway(directory, signedInCaller(request), request.params.id, 'gateway.read')),
    );
  };
