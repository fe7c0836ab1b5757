import { scopeCondition } from '../access/access-scope.js';
import type { Caller } from '../access/caller.js';
import type { Permission } from '../access/permissions.js';
import { selectWhere } from '../db/scoped-select.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { epochMs, jsonParam, timestampParam } from '../db/sql-values.js';
import type { HouseholdKey, HouseholdRecord, HouseholdSummary } from './household-records.js';
import { loadHouseholdParts } from './household-parts.js';
import type { StoredCareSettings } from './household-schemas.js';

interface HouseholdRow {
  estate_id: string;
  unit_id: string;
  building_id: string;
  label: string;
  version: number;
  lives_alone: boolean;
  settings: StoredCareSettings;
  updated_at: Date;
  enrolled: boolean;
}

const HOUSEHOLD_COLUMNS = `h.estate_id, h.unit_id, u.building_id, u.label, h.version, h.lives_alone, h.settings, h.updated_at,
  EXISTS (SELECT 1 FROM care_consents c WHERE c.estate_id = h.estate_id AND c.unit_id = h.unit_id AND c.withdrawn_at IS NULL) AS enrolled`;
const HOUSEHOLD_FROM = 'care_households h JOIN units u ON u.estate_id = h.estate_id AND u.id = h.unit_id';
/** Where a household is, for scoping: its unit's estate and building. */
const HOUSEHOLD_PLACE = { estate: 'u.estate_id', building: 'u.building_id' };

/**
 * Households' care records, each read scoped by the caller's grants (a housekeeper limited to
 * buildings sees only their households). Changes go through lockForChange, which holds the
 * household's row until the transaction ends, so two edits of one household apply one after the
 * other and the second sees the first's version.
 */
export class HouseholdRepository {
  async insert(tx: SqlExecutor, key: HouseholdKey, livesAlone: boolean, at: number): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO care_households (estate_id, unit_id, version, lives_alone, settings, created_at, updated_at)
       VALUES ($1, $2, 1, $3, '{}'::jsonb, $4, $4) ON CONFLICT (estate_id, unit_id) DO NOTHING`,
      [key.estateId, key.unitId, livesAlone, timestampParam(at)],
    );
    return rowCount === 1;
  }

  /**
   * The household's version and building, its row locked FOR UPDATE; null when there is none the
   * caller may see (under estate.read, so a role without care permissions is told forbidden, not
   * not_found, for a household of its own estate).
   */
  async lockForChange(tx: SqlExecutor, caller: Caller, key: HouseholdKey): Promise<{ version: number; buildingId: string } | null> {
    const params = new SqlParams();
    const { rows } = await tx.query<{ version: number; building_id: string }>(
      `SELECT h.version, u.building_id FROM ${HOUSEHOLD_FROM}
       WHERE h.estate_id = ${params.add(key.estateId)} AND h.unit_id = ${params.add(key.unitId)}
         AND ${scopeCondition(caller, 'estate.read', params, HOUSEHOLD_PLACE)}
       FOR UPDATE OF h`,
      params.values,
    );
    const row = rows[0];
    return row ? { version: row.version, buildingId: row.building_id } : null;
  }

  async bumpVersion(tx: SqlExecutor, key: HouseholdKey, at: number): Promise<number> {
    const { rows } = await tx.query<{ version: number }>(
      'UPDATE care_households SET version = version + 1, updated_at = $3 WHERE estate_id = $1 AND unit_id = $2 RETURNING version',
      [key.estateId, key.unitId, timestampParam(at)],
    );
    return rows[0]!.version;
  }

  /** Sets the given settings (each top-level key replaced whole); the others keep their value. */
  async updateSettings(tx: SqlExecutor, key: HouseholdKey, livesAlone: boolean | undefined, settings: StoredCareSettings): Promise<void> {
    await tx.query(
      'UPDATE care_households SET lives_alone = COALESCE($3, lives_alone), settings = settings || $4::jsonb WHERE estate_id = $1 AND unit_id = $2',
      [key.estateId, key.unitId, livesAlone ?? null, jsonParam(settings)],
    );
  }

  /** Where the household is, if the caller may see its unit (estate.read): for a permission check before reading. */
  async place(tx: SqlExecutor, caller: Caller, key: HouseholdKey): Promise<{ buildingId: string } | null> {
    const [row] = await this.select(tx, caller, 'estate.read', key.estateId, { unitIds: [key.unitId] });
    return row ? { buildingId: row.building_id } : null;
  }

  /** Whole care records of the households the caller may read under the permission (contact phones masked). */
  async records(tx: SqlExecutor, caller: Caller, permission: Permission, estateId: string, filter: { unitIds?: readonly string[] }): Promise<HouseholdRecord[]> {
    const rows = await this.select(tx, caller, permission, estateId, filter);
    const parts = await loadHouseholdParts(tx, estateId, rows.map((row) => row.unit_id));
    return rows.map((row) => {
      const part = parts.get(row.unit_id)!;
      return {
        estateId: row.estate_id,
        unitId: row.unit_id,
        buildingId: row.building_id,
        label: row.label,
        version: row.version,
        livesAlone: row.lives_alone,
        settings: row.settings,
        consent: part.consents.find((consent) => consent.withdrawnAt === null) ?? null,
        consents: part.consents,
        contacts: part.contacts,
        carers: part.carers,
        awayPeriods: part.awayPeriods,
        updatedAt: epochMs(row.updated_at),
      };
    });
  }

  /** Households of the estate the caller may read under household.read, by building and unit. */
  async list(tx: SqlExecutor, caller: Caller, estateId: string, filter: { buildingId?: string }): Promise<HouseholdSummary[]> {
    const rows = await this.select(tx, caller, 'household.read', estateId, filter);
    return rows.map((row) => ({
      estateId: row.estate_id,
      unitId: row.unit_id,
      buildingId: row.building_id,
      label: row.label,
      version: row.version,
      enrolled: row.enrolled,
      updatedAt: epochMs(row.updated_at),
    }));
  }

  /** Unit ids of households with a device on the gateway (the households its care rules watch). */
  async unitsOnGateway(tx: SqlExecutor, estateId: string, gatewayId: string): Promise<string[]> {
    const { rows } = await tx.query<{ unit_id: string }>(
      `SELECT DISTINCT h.unit_id FROM care_households h JOIN devices d ON d.estate_id = h.estate_id AND d.unit_id = h.unit_id
       WHERE h.estate_id = $1 AND d.gateway_id = $2 ORDER BY h.unit_id`,
      [estateId, gatewayId],
    );
    return rows.map((row) => row.unit_id);
  }

  private select(
    tx: SqlExecutor,
    caller: Caller,
    permission: Permission,
    estateId: string,
    filter: { buildingId?: string; unitIds?: readonly string[] },
  ): Promise<HouseholdRow[]> {
    const params = new SqlParams();
    const where = [scopeCondition(caller, permission, params, HOUSEHOLD_PLACE), `h.estate_id = ${params.add(estateId)}`];
    if (filter.buildingId !== undefined) where.push(`u.building_id = ${params.add(filter.buildingId)}`);
    if (filter.unitIds !== undefined) where.push(`h.unit_id = ANY(${params.add(filter.unitIds)}::text[])`);
    return selectWhere<HouseholdRow>(tx, params, { columns: HOUSEHOLD_COLUMNS, from: HOUSEHOLD_FROM, where, orderBy: 'u.building_id, h.unit_id' });
  }
}
