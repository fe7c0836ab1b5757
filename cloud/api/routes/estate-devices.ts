import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayIdSchema, LocalIdSchema } from '../../../shared/contract/index.js';
import type { DeviceRecord } from '../../estates/estate-records.js';
import { DevicePlacementSchema, NewGatewaySchema } from '../../estates/estate-schemas.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { visibleGateway, type GatewayDirectoryView } from '../visible-gateway.js';
import { GatewayViewSchema, gatewayView } from './gateways.js';
import { EstateParams, setUpErrors, type EstateDesk } from './estates.js';

const DeviceViewSchema = z.object({
  estate_id: z.string(),
  id: z.string(),
  gateway_id: z.string(),
  profile: z.string(),
  /** Exactly one of unit_id and asset_id is set: the household or the asset the device belongs to. */
  unit_id: z.string().nullable(),
  asset_id: z.string().nullable(),
});

const deviceView = (device: DeviceRecord) => ({
  estate_id: device.estateId,
  id: device.id,
  gateway_id: device.gatewayId,
  profile: device.profile,
  unit_id: device.unitId,
  asset_id: device.assetId,
});

/**
 * The gateways serving an estate and the unit or asset each device belongs to: an administrator of
 * the estate registers a gateway and maps its devices. A gateway's health and rules config are
 * under /gateways/:id (gateways.ts, gateway-config.ts); registering one answers with the same view.
 */
export const estateDeviceRoutes =
  (desk: Pick<EstateDesk, 'registerGateway' | 'mapDevice' | 'listDevices'>, directory: GatewayDirectoryView): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/estates/:estate_id/gateways',
      {
        config: { access: { permission: 'estate.manage' } },
        schema: {
          summary: 'Register a gateway as serving the estate; its status then shows under /gateways/:id',
          params: EstateParams,
          body: NewGatewaySchema,
          response: { 201: GatewayViewSchema, ...setUpErrors },
        },
      },
      async (request, reply) => {
        const caller = signedInCaller(request);
        const gateway = await desk.registerGateway(caller, request.params.estate_id, request.body);
        const registered = await visibleGateway(directory, caller, gateway.id, 'estate.manage');
        return reply.code(201).header('location', `/api/v1/gateways/${gateway.id}`).send(gatewayView(registered));
      },
    );

    app.get(
      '/estates/:estate_id/devices',
      {
        config: { access: { permission: 'gateway.read' } },
        schema: {
          summary: 'Devices of the estate with the gateway they are on and the unit or asset they belong to',
          params: EstateParams,
          querystring: z.object({ gateway_id: GatewayIdSchema.optional() }),
          response: { 200: z.object({ devices: z.array(DeviceViewSchema) }), 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema },
        },
      },
      async (request) => {
        const { gateway_id } = request.query;
        const devices = await desk.listDevices(signedInCaller(request), request.params.estate_id, gateway_id === undefined ? {} : { gatewayId: gateway_id });
        return { devices: devices.map(deviceView) };
      },
    );

    app.put(
      '/estates/:estate_id/devices/:device_id',
      {
        config: { access: { permission: 'estate.manage' } },
        schema: {
          summary: 'Map a device of a gateway of the estate to one unit or one asset (again: moves it)',
          params: EstateParams.extend({ device_id: LocalIdSchema }),
          body: DevicePlacementSchema,
          response: { 200: DeviceViewSchema, ...setUpErrors },
        },
      },
      async (request) => deviceView(await desk.mapDevice(signedInCaller(request), request.params.estate_id, { id: request.params.device_id, ...request.body })),
    );
  };
