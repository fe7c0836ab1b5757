import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { isAppError } from '../../cloud/platform/app-error.js';
import type { Clock } from '../../shared/time/clock.js';

/** What the demo's gateway serves, in the cloud's registry: one building, one flat, two assets. */
export interface DemoEstateRecords {
  estateId: string;
  gatewayId: string;
  building: { id: string; name: string };
  unit: { id: string; label: string };
  assets: ReadonlyArray<{ id: string; kind: 'lift' | 'water_main'; name: string }>;
  devices: ReadonlyArray<{ id: string; profile: string; subject: { kind: 'unit' | 'asset'; id: string } }>;
}

/**
 * Sets up the demo estate as `estatecare admin` (the operator) would: the building, the flat whose
 * resident the demo enrols in care, the lift and the water main, and each device of the gateway
 * mapped to its unit or asset (the cloud sends a household's care config to the gateways holding
 * one of its devices). Records kept from an earlier run (`--keep-data`) stay as they are.
 */
export async function seedDemoEstateRecords(db: SqlDatabase, clock: Clock, records: DemoEstateRecords): Promise<void> {
  const estates = new EstateService(db, clock);
  const operator = await loadOperatorCaller(db);
  const { estateId } = records;
  await keepExisting(estates.addBuilding(operator, estateId, records.building));
  await keepExisting(estates.addUnit(operator, estateId, { id: records.unit.id, building_id: records.building.id, label: records.unit.label }));
  for (const asset of records.assets) {
    await keepExisting(estates.addAsset(operator, estateId, { ...asset, building_id: asset.kind === 'lift' ? records.building.id : null }));
  }
  for (const device of records.devices) {
    await estates.mapDevice(operator, estateId, {
      id: device.id,
      gateway_id: records.gatewayId,
      profile: device.profile,
      unit_id: device.subject.kind === 'unit' ? device.subject.id : null,
      asset_id: device.subject.kind === 'asset' ? device.subject.id : null,
    });
  }
}

async function keepExisting(change: Promise<unknown>): Promise<void> {
  try {
    await change;
  } catch (error) {
    if (!isAppError(error, 'conflict')) throw error;
  }
}
