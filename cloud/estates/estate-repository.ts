import { scopeCondition } from '../access/access-scope.js';
import type { Caller } from '../access/caller.js';
import { selectWhere } from '../db/scoped-select.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { timestampParam } from '../db/sql-values.js';
import type { AssetRecord, BuildingRecord, EstateRecord, UnitRecord } from './estate-records.js';

interface UnitRow {
  estate_id: string;
  id: string;
  building_id: string;
  label: string;
}

interface AssetRow {
  estate_id: string;
  id: string;
  kind: AssetRecord['kind'];
  name: string;
  building_id: string | null;
}

/**
 * Estates, buildings, units and assets. Inserts return false when the id is taken (the service
 * makes that a conflict); every read is scoped by the caller's grants under estate.read, so a
 * housekeeper limited to buildings lists only those buildings and their units.
 */
export class EstateRepository {
  async insertEstate(tx: SqlExecutor, estate: EstateRecord): Promise<boolean> {
    const { rowCount } = await tx.query('INSERT INTO estates (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [estate.id, estate.name]);
    return rowCount === 1;
  }

  /** Estates the caller may see (optionally one of them). */
  listEstates(tx: SqlExecutor, caller: Caller, filter: { estateId?: string } = {}): Promise<EstateRecord[]> {
    const params = new SqlParams();
    const where = [scopeCondition(caller, 'estate.read', params, { estate: 'id' })];
    if (filter.estateId !== undefined) where.push(`id = ${params.add(filter.estateId)}`);
    return selectWhere<EstateRecord>(tx, params, { columns: 'id, name', from: 'estates', where, orderBy: 'id' });
  }

  async insertBuilding(tx: SqlExecutor, building: BuildingRecord, at: number): Promise<boolean> {
    const { rowCount } = await tx.query(
      'INSERT INTO buildings (estate_id, id, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (estate_id, id) DO NOTHING',
      [building.estateId, building.id, building.name, timestampParam(at)],
    );
    return rowCount === 1;
  }

  async listBuildings(tx: SqlExecutor, caller: Caller, estateId: string): Promise<BuildingRecord[]> {
    const params = new SqlParams();
    const rows = await selectWhere<{ estate_id: string; id: string; name: string }>(tx, params, {
      columns: 'estate_id, id, name',
      from: 'buildings',
      where: [scopeCondition(caller, 'estate.read', params, { estate: 'estate_id', building: 'id' }), `estate_id = ${params.add(estateId)}`],
      orderBy: 'id',
    });
    return rows.map((row) => ({ estateId: row.estate_id, id: row.id, name: row.name }));
  }

  /** Unscoped existence check, for a service that has already placed the caller in the estate. */
  async buildingExists(tx: SqlExecutor, estateId: string, buildingId: string): Promise<boolean> {
    const { rows } = await tx.query('SELECT 1 FROM buildings WHERE estate_id = $1 AND id = $2', [estateId, buildingId]);
    return rows.length > 0;
  }

  async insertUnit(tx: SqlExecutor, unit: UnitRecord, at: number): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO units (estate_id, id, building_id, label, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (estate_id, id) DO NOTHING`,
      [unit.estateId, unit.id, unit.buildingId, unit.label, timestampParam(at)],
    );
    return rowCount === 1;
  }

  /** Units of the estate the caller may see (optionally one building's, or one unit). */
  async listUnits(tx: SqlExecutor, caller: Caller, estateId: string, filter: { buildingId?: string; unitId?: string } = {}): Promise<UnitRecord[]> {
    const params = new SqlParams();
    const where = [scopeCondition(caller, 'estate.read', params, { estate: 'estate_id', building: 'building_id' }), `estate_id = ${params.add(estateId)}`];
    if (filter.buildingId !== undefined) where.push(`building_id = ${params.add(filter.buildingId)}`);
    if (filter.unitId !== undefined) where.push(`id = ${params.add(filter.unitId)}`);
    const rows = await selectWhere<UnitRow>(tx, params, { columns: 'estate_id, id, building_id, label', from: 'units', where, orderBy: 'building_id, id' });
    return rows.map((row) => ({ estateId: row.estate_id, id: row.id, buildingId: row.building_id, label: row.label }));
  }

  async insertAsset(tx: SqlExecutor, asset: AssetRecord, at: number): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO assets (estate_id, id, building_id, kind, name, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (estate_id, id) DO NOTHING`,
      [asset.estateId, asset.id, asset.buildingId, asset.kind, asset.name, timestampParam(at)],
    );
    return rowCount === 1;
  }

  async listAssets(tx: SqlExecutor, caller: Caller, estateId: string, filter: { assetId?: string } = {}): Promise<AssetRecord[]> {
    const params = new SqlParams();
    const where = [scopeCondition(caller, 'estate.read', params, { estate: 'estate_id', building: 'building_id' }), `estate_id = ${params.add(estateId)}`];
    if (filter.assetId !== undefined) where.push(`id = ${params.add(filter.assetId)}`);
    const rows = await selectWhere<AssetRow>(tx, params, { columns: 'estate_id, id, kind, name, building_id', from: 'assets', where, orderBy: 'id' });
    return rows.map((row) => ({ estateId: row.estate_id, id: row.id, kind: row.kind, name: row.name, buildingId: row.building_id }));
  }
}
