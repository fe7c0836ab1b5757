import type { Clock } from '../../shared/time/clock.js';
import { demand, requireEstate } from '../access/access-scope.js';
import type { Caller } from '../access/caller.js';
import { AuditRepository } from '../audit/audit-repository.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { AppError, invalidField, notFound } from '../platform/app-error.js';
import { parseInput } from '../platform/parse-input.js';
import { DeviceRepository } from './device-repository.js';
import type { AssetRecord, BuildingRecord, DeviceRecord, EstateRecord, GatewayRecord, UnitRecord } from './estate-records.js';
import { EstateRepository } from './estate-repository.js';
import {
  DeviceMappingSchema,
  NewAssetSchema,
  NewBuildingSchema,
  NewEstateSchema,
  NewGatewaySchema,
  NewUnitSchema,
  type DeviceMapping,
  type NewAsset,
  type NewBuilding,
  type NewEstate,
  type NewGateway,
  type NewUnit,
} from './estate-schemas.js';

function taken(what: string, id: string): AppError {
  return new AppError('conflict', `${what.replace(/ /g, '_')}_exists`, `there is already a ${what} with id ${id}`, { fields: [{ path: 'id', message: 'taken' }] });
}

/**
 * Setting up an estate: buildings, units, assets, the gateways serving it and the unit or asset of
 * each device. Changes need estate.manage (an admin of the estate); reads need any role there.
 */
export class EstateService {
  private readonly estates = new EstateRepository();
  private readonly devices = new DeviceRepository();
  private readonly audit = new AuditRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
  ) {}

  /** A new estate: only the installation's administrator (admin of every estate) creates one. */
  async createEstate(caller: Caller, input: NewEstate): Promise<EstateRecord> {
    if (!caller.allEstates) throw new AppError('forbidden', 'forbidden', 'only an administrator of every estate creates estates');
    const estate = parseInput(NewEstateSchema, input, 'estate');
    return this.db.transaction(async (tx) => {
      if (!(await this.estates.insertEstate(tx, estate))) throw taken('estate', estate.id);
      await this.audit.recordChange(tx, caller, this.clock.now(), { estateId: estate.id, action: 'estate_created', subjectId: estate.id });
      return estate;
    });
  }

  async listEstates(caller: Caller): Promise<EstateRecord[]> {
    return this.db.transaction((tx) => this.estates.listEstates(tx, caller));
  }

  /** One estate the caller holds a role in; not_found for any other, as for one that does not exist. */
  async getEstate(caller: Caller, estateId: string): Promise<EstateRecord> {
    const [estate] = await this.read(caller, estateId, (tx) => this.estates.listEstates(tx, caller, { estateId }));
    if (!estate) throw notFound('estate', estateId);
    return estate;
  }

  async addBuilding(caller: Caller, estateId: string, input: NewBuilding): Promise<BuildingRecord> {
    const building = { estateId, ...parseInput(NewBuildingSchema, input, 'building') };
    return this.change(caller, estateId, async (tx, at) => {
      if (!(await this.estates.insertBuilding(tx, building, at))) throw taken('building', building.id);
      await this.audit.recordChange(tx, caller, at, { estateId, action: 'building_added', subjectId: building.id });
      return building;
    });
  }

  async listBuildings(caller: Caller, estateId: string): Promise<BuildingRecord[]> {
    return this.read(caller, estateId, (tx) => this.estates.listBuildings(tx, caller, estateId));
  }

  async addUnit(caller: Caller, estateId: string, input: NewUnit): Promise<UnitRecord> {
    const { building_id: buildingId, ...rest } = parseInput(NewUnitSchema, input, 'unit');
    const unit: UnitRecord = { estateId, buildingId, ...rest };
    return this.change(caller, estateId, async (tx, at) => {
      if (!(await this.estates.buildingExists(tx, estateId, buildingId))) throw invalidField('building_id', `no building ${buildingId} in estate ${estateId}`);
      if (!(await this.estates.insertUnit(tx, unit, at))) throw taken('unit', unit.id);
      await this.audit.recordChange(tx, caller, at, { estateId, action: 'unit_added', unitId: unit.id });
      return unit;
    });
  }

  async listUnits(caller: Caller, estateId: string, filter: { buildingId?: string } = {}): Promise<UnitRecord[]> {
    return this.read(caller, estateId, (tx) => this.estates.listUnits(tx, caller, estateId, filter));
  }

  async addAsset(caller: Caller, estateId: string, input: NewAsset): Promise<AssetRecord> {
    const { building_id: buildingId, ...rest } = parseInput(NewAssetSchema, input, 'asset');
    const asset: AssetRecord = { estateId, buildingId, ...rest };
    return this.change(caller, estateId, async (tx, at) => {
      if (buildingId !== null && !(await this.estates.buildingExists(tx, estateId, buildingId))) {
        throw invalidField('building_id', `no building ${buildingId} in estate ${estateId}`);
      }
      if (!(await this.estates.insertAsset(tx, asset, at))) throw taken('asset', asset.id);
      await this.audit.recordChange(tx, caller, at, { estateId, action: 'asset_added', subjectId: asset.id });
      return asset;
    });
  }

  async listAssets(caller: Caller, estateId: string): Promise<AssetRecord[]> {
    return this.read(caller, estateId, (tx) => this.estates.listAssets(tx, caller, estateId));
  }

  /** Registers a gateway as serving this estate (its MQTT credentials are issued separately). */
  async registerGateway(caller: Caller, estateId: string, input: NewGateway): Promise<GatewayRecord> {
    const gateway = { estateId, ...parseInput(NewGatewaySchema, input, 'gateway') };
    return this.change(caller, estateId, async (tx, at) => {
      if (!(await this.devices.insertGateway(tx, gateway))) throw taken('gateway', gateway.id);
      await this.audit.recordChange(tx, caller, at, { estateId, action: 'gateway_registered', subjectId: gateway.id });
      return gateway;
    });
  }

  /** Gateways the caller may see, of every estate they hold gateway.read in, or of one estate. */
  async listGateways(caller: Caller, filter: { estateId?: string } = {}): Promise<GatewayRecord[]> {
    if (filter.estateId !== undefined) requireEstate(caller, filter.estateId);
    return this.db.transaction((tx) => this.devices.listGateways(tx, caller, filter));
  }

  /** Puts a device on a gateway of the estate, as part of one unit or one asset (again: moves it). */
  async mapDevice(caller: Caller, estateId: string, input: DeviceMapping): Promise<DeviceRecord> {
    const { gateway_id: gatewayId, unit_id: unitId, asset_id: assetId, ...rest } = parseInput(DeviceMappingSchema, input, 'device');
    const device: DeviceRecord = { estateId, gatewayId, unitId, assetId, ...rest };
    return this.change(caller, estateId, async (tx, at) => {
      // One message for "no such gateway" and "a gateway of another estate": the caller learns nothing of other estates.
      if ((await this.devices.listGateways(tx, caller, { estateId, gatewayId })).length === 0) {
        throw invalidField('gateway_id', `no gateway ${gatewayId} in estate ${estateId}`);
      }
      if (unitId !== null && (await this.estates.listUnits(tx, caller, estateId, { unitId })).length === 0) {
        throw invalidField('unit_id', `no unit ${unitId} in estate ${estateId}`);
      }
      if (assetId !== null && (await this.estates.listAssets(tx, caller, estateId, { assetId })).length === 0) {
        throw invalidField('asset_id', `no asset ${assetId} in estate ${estateId}`);
      }
      await this.devices.upsertDevice(tx, device, at);
      await this.audit.recordChange(tx, caller, at, { estateId, action: 'device_mapped', unitId, subjectId: device.id, details: { gateway_id: gatewayId, asset_id: assetId } });
      return device;
    });
  }

  /** Devices of the estate: for roles that see its gateways (forbidden to the others), as gateways are. */
  async listDevices(caller: Caller, estateId: string, filter: { gatewayId?: string } = {}): Promise<DeviceRecord[]> {
    requireEstate(caller, estateId);
    demand(caller, 'gateway.read', { estateId });
    return this.db.transaction((tx) => this.devices.listDevices(tx, caller, estateId, filter));
  }

  /** A change in an estate: not_found to a stranger, forbidden without estate.manage, then fn in one transaction. */
  private change<T>(caller: Caller, estateId: string, fn: (tx: SqlExecutor, at: number) => Promise<T>): Promise<T> {
    requireEstate(caller, estateId);
    demand(caller, 'estate.manage', { estateId });
    return this.db.transaction((tx) => fn(tx, this.clock.now()));
  }

  private read<T>(caller: Caller, estateId: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    requireEstate(caller, estateId);
    return this.db.transaction(fn);
  }
}
