import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BusCountersSchema, GatewayIdSchema, LocalIdSchema, OnlineStatusSchema, SLUG_PATTERN } from '../../../shared/contract/index.js';
import { isoOrNull } from '../api-time.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { estatesGranting } from '../../access/access-scope.js';
import type { GatewayStatusRecord } from '../../registry/registry-repository.js';
import { visibleGateway, type GatewayDirectoryView } from '../visible-gateway.js';
// ---- Fleet health (begin) ----
import { gatewayClock } from '../../registry/gateway-clock.js';
import { DEFAULT_AVAILABILITY_HOURS, MAX_AVAILABILITY_HOURS, type GatewayFleetHealth, type GatewayFleetHealthReader } from '../../registry/gateway-fleet-health.js';
// ---- Fleet health (end) ----

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
  // ---- Fleet health (begin) ----
  /** The gateway's clock against the cloud's at its last online status (registry/gateway-clock.ts); drifting past 60 s. */
  clock: z.object({ offset_s: z.number().nullable(), drifting: z.boolean(), measured_at: z.iso.datetime().nullable() }),
  // ---- Fleet health (end) ----
});

// ---- Fleet health (begin) ----
const DeviceHealthSchema = z.object({
  device_id: z.string(),
  offline_now: z.boolean(),
  newest_data_at: z.iso.datetime().nullable(),
  /** Seconds from the newest reading or event to now; null when none in the last 31 days. */
  newest_data_age_s: z.number().nullable(),
  availability: z.object({
    ratio: z.number(),
    /** One ratio per hour of the window, oldest first. */
    hourly: z.array(z.number()),
    offline: z.array(z.object({ from: z.iso.datetime(), to: z.iso.datetime().nullable(), cause: z.enum(['device', 'gateway']) })),
  }),
});

/** One gateway: its view plus its devices' health over the window asked for. */
export const GatewayHealthViewSchema = GatewayViewSchema.extend({
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime(), hours: z.number() }),
  devices: z.array(DeviceHealthSchema),
});

function fleetHealthView(health: GatewayFleetHealth, hours: number) {
  return {
    window: { from: new Date(health.from).toISOString(), to: new Date(health.to).toISOString(), hours },
    devices: health.devices.map((device) => ({
      device_id: device.deviceId,
      offline_now: device.offlineNow,
      newest_data_at: isoOrNull(device.newestDataAt),
      newest_data_age_s: device.newestDataAt === null ? null : Math.max(0, (health.to - device.newestDataAt) / 1_000),
      availability: {
        ratio: device.availability.ratio,
        hourly: device.availability.hourly,
        offline: device.availability.offline.map((period) => ({ from: new Date(period.from).toISOString(), to: isoOrNull(period.to), cause: period.cause })),
      },
    })),
  };
}
// ---- Fleet health (end) ----

/** One device's readings over the last hours, by point (the fleet page's chart of a device). */
const DeviceReadingsViewSchema = z.object({
  device_id: z.string(),
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
  bucket_s: z.number(),
  series: z.array(
    z.object({
      point: z.string(),
      unit: z.string(),
      points: z.array(z.object({ t: z.iso.datetime(), count: z.number(), mean: z.number(), min: z.number(), max: z.number(), last: z.number() })),
    }),
  ),
});

function deviceReadingsView(deviceId: string, readings: Awaited<ReturnType<GatewayFleetHealthReader['deviceReadings']>>): z.infer<typeof DeviceReadingsViewSchema> {
  const series = new Map<string, z.infer<typeof DeviceReadingsViewSchema>['series'][number]>();
  for (const bucket of readings.buckets) {
    const key = `${bucket.point}\u0000${bucket.unit}`;
    const entry = series.get(key) ?? { point: bucket.point, unit: bucket.unit, points: [] };
    entry.points.push({ t: new Date(bucket.start).toISOString(), count: bucket.count, mean: bucket.mean, min: bucket.min, max: bucket.max, last: bucket.last });
    series.set(key, entry);
  }
  return {
    device_id: deviceId,
    window: { from: new Date(readings.from).toISOString(), to: new Date(readings.to).toISOString() },
    bucket_s: readings.bucketMs / 1_000,
    series: [...series.values()],
  };
}

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
    clock: gatewayClock(record),
  };
}

/** Fleet health for operators and supervisors: every gateway's last reported status. */
export const gatewayRoutes =
  (directory: GatewayDirectoryView, fleetHealth: Pick<GatewayFleetHealthReader, 'read' | 'deviceReadings'>): FastifyPluginAsyncZod =>
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
          summary:
            "One gateway's last status with its field buses' counters, its clock drift, and each device's health: offline now, the age of its newest data, availability per hour over the last `hours` (from device_offline episodes)",
          params: z.object({ id: GatewayIdSchema }),
          querystring: z.object({ hours: z.coerce.number().int().min(1).max(MAX_AVAILABILITY_HOURS).default(DEFAULT_AVAILABILITY_HOURS) }),
          response: { 200: GatewayHealthViewSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema },
        },
      },
      async (request) => {
        const record = await visibleGateway(directory, signedInCaller(request), request.params.id, 'gateway.read');
        return { ...gatewayView(record), ...fleetHealthView(await fleetHealth.read(record, request.query.hours), request.query.hours) };
      },
    );

    app.get(
      '/gateways/:id/devices/:device_id/readings',
      {
        config: { access: { permission: 'gateway.read' } },
        schema: {
          summary: "A device's readings over the last `hours`, thinned to at most 300 buckets per point (min, max, mean, last); never a household's device",
          params: z.object({ id: GatewayIdSchema, device_id: LocalIdSchema }),
          querystring: z.object({ hours: z.coerce.number().int().min(1).max(MAX_AVAILABILITY_HOURS).default(DEFAULT_AVAILABILITY_HOURS) }),
          response: { 200: DeviceReadingsViewSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema },
        },
      },
      async (request) => {
        const record = await visibleGateway(directory, signedInCaller(request), request.params.id, 'gateway.read');
        return deviceReadingsView(request.params.device_id, await fleetHealth.deviceReadings(record, request.params.device_id, request.query.hours));
      },
    );
  };
