import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LocalIdSchema } from '../../../shared/contract/index.js';
import type { EstateService } from '../../estates/estate-service.js';
import type { AssetRecord, BuildingRecord, EstateRecord, UnitRecord } from '../../estates/estate-records.js';
import { ASSET_KINDS, NewAssetSchema, NewBuildingSchema, NewEstateSchema, NewUnitSchema } from '../../estates/estate-schemas.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';

export type EstateDesk = Pick<
  EstateService,
  'createEstate' | 'listEstates' | 'getEstate' | 'addBuilding' | 'listBuildings' | 'addUnit' | 'listUnits' | 'addAsset' | 'listAssets' | 'registerGateway' | 'mapDevice' | 'listDevices'
>;

export const EstateParams = z.object({ estate_id: LocalIdSchema });

const EstateViewSchema = z.object({ id: z.string(), name: z.string() });
const BuildingViewSchema = z.object({ estate_id: z.string(), id: z.string(), name: z.string() });
/** A unit is a household's home: its id is pseudonymous, its label where it is ("2-1402"). */
const UnitViewSchema = z.object({ estate_id: z.string(), id: z.string(), building_id: z.string(), label: z.string() });
const AssetViewSchema = z.object({ estate_id: z.string(), id: z.string(), kind: z.enum(ASSET_KINDS), name: z.string(), building_id: z.string().nullable() });

const estateView = (estate: EstateRecord) => ({ id: estate.id, name: estate.name });
const buildingView = (building: BuildingRecord) => ({ estate_id: building.estateId, id: building.id, name: building.name });
const unitView = (unit: UnitRecord) => ({ estate_id: unit.estateId, id: unit.id, building_id: unit.buildingId, label: unit.label });
const assetView = (asset: AssetRecord) => ({ estate_id: asset.estateId, id: asset.id, kind: asset.kind, name: asset.name, building_id: asset.buildingId });

export const setUpErrors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };
const readErrors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };

/**
 * The estate registry: estates, their buildings, units and assets. Every role of an estate reads
 * it (a housekeeper limited to buildings sees only those and their units); an administrator of
 * the estate sets it up; only the installation's administrator creates estates. An estate where
 * the caller holds no role is not found.
 */
export const estateRoutes =
  (desk: EstateDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/estates',
      {
        config: { access: { permission: 'estate.read' } },
        schema: { summary: 'Estates where the caller holds a role', response: { 200: z.object({ estates: z.array(EstateViewSchema) }), ...readErrors } },
      },
      async (request) => ({ estates: (await desk.listEstates(signedInCaller(request))).map(estateView) }),
    );

    app.post(
      '/estates',
      {
        config: { access: { permission: 'estate.manage' } },
        schema: { summary: 'Create an estate (the installation administrator only: admin of every estate)', body: NewEstateSchema, response: { 201: EstateViewSchema, ...setUpErrors } },
      },
      async (request, reply) => reply.code(201).send(estateView(await desk.createEstate(signedInCaller(request), request.body))),
    );

    app.get(
      '/estates/:estate_id',
      {
        config: { access: { permission: 'estate.read' } },
        schema: { summary: 'One estate', params: EstateParams, response: { 200: EstateViewSchema, ...readErrors } },
      },
      async (request) => estateView(await desk.getEstate(signedInCaller(request), request.params.estate_id)),
    );

    app.get(
      '/estates/:estate_id/buildings',
      {
        config: { access: { permission: 'estate.read' } },
        schema: { summary: 'Buildings of the estate the caller may see', params: EstateParams, response: { 200: z.object({ buildings: z.array(BuildingViewSchema) }), ...readErrors } },
      },
      async (request) => ({ buildings: (await desk.listBuildings(signedInCaller(request), request.params.estate_id)).map(buildingView) }),
    );

    app.post(
      '/estates/:estate_id/buildings',
      {
        config: { access: { permission: 'estate.manage' } },
        schema: { summary: 'Add a building to the estate', params: EstateParams, body: NewBuildingSchema, response: { 201: BuildingViewSchema, ...setUpErrors } },
      },
      async (request, reply) => reply.code(201).send(buildingView(await desk.addBuilding(signedInCaller(request), request.params.estate_id, request.body))),
    );

    app.get(
      '/estates/:estate_id/units',
      {
        config: { access: { permission: 'estate.read' } },
        schema: {
          summary: 'Units of the estate the caller may see: pseudonymous household ids and their labels',
          params: EstateParams,
          querystring: z.object({ building_id: LocalIdSchema.optional() }),
          response: { 200: z.object({ units: z.array(UnitViewSchema) }), ...readErrors },
        },
      },
      async (request) => {
        const { building_id } = request.query;
        const units = await desk.listUnits(signedInCaller(request), request.params.estate_id, building_id === undefined ? {} : { buildingId: building_id });
        return { units: units.map(unitView) };
      },
    );

    app.post(
      '/estates/:estate_id/units',
      {
        config: { access: { permission: 'estate.manage' } },
        schema: { summary: 'Add a unit (a household\'s home) to a building of the estate', params: EstateParams, body: NewUnitSchema, response: { 201: UnitViewSchema, ...setUpErrors } },
      },
      async (request, reply) => reply.code(201).send(unitView(await desk.addUnit(signedInCaller(request), request.params.estate_id, request.body))),
    );

    app.get(
      '/estates/:estate_id/assets',
      {
        config: { access: { permission: 'estate.read' } },
        schema: { summary: 'Assets of the estate: lifts and water mains', params: EstateParams, response: { 200: z.object({ assets: z.array(AssetViewSchema) }), ...readErrors } },
      },
      async (request) => ({ assets: (await desk.listAssets(signedInCaller(request), request.params.estate_id)).map(assetView) }),
    );

    app.post(
      '/estates/:estate_id/assets',
      {
        config: { access: { permission: 'estate.manage' } },
        schema: { summary: 'Add an asset: a lift of a building, or a water main (building_id null: the whole estate\'s)', params: EstateParams, body: NewAssetSchema, response: { 201: AssetViewSchema, ...setUpErrors } },
      },
      async (request, reply) => reply.code(201).send(assetView(await desk.addAsset(signedInCaller(request), request.params.estate_id, request.body))),
    );
  };
