import { scopeCondition } from '../access/access-scope.js';
import type { Caller } from '../access/caller.js';
import { selectWhere } from '../db/scoped-select.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { timestampParam } from '../db/sql-values.js';
import type { DeviceRecord, GatewayRecord } from './estate-records.js';

interface DeviceRow {
  estate_id: string;
  id: string;
  gateway_id: string;
  profile: string;
  unit_id: string | null;
  asset_id: string | null;
}

/**
 * Which estate each gateway serves and which unit or asset each device belongs to. Gateway ids are
 * global (they are MQTT usernames and topic segments); device ids are local to the estate.
 */
export class DeviceRepository {
  /** False when the gateway id is taken (by any estate). Credentials are set elsewhere (the registry). */
  async insertGateway(tx: SqlExecutor, gateway: GatewayRecord): Promise<boolean> {
    const { rowCount } = await tx.query('INSERT INTO gateways (id, estate_id, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
      gateway.id,
      gateway.estateId,
      gateway.name,
    ]);
    return rowCount === 1;
  }

  /** Gateways the caller may see under gateway.read (optionally of one estate, or one gateway). */
  async listGateways(tx: SqlExecutor, caller: Caller, filter: { estateId?: string; gatewayId?: string } = {}): Promise<GatewayRecord[]> {
    const params = new SqlParams();
    const where = [scopeCondition(caller, 'gateway.read', params, { estate: 'estate_id' })];
    if (filter.estateId !== undefined) where.push(`estate_id = ${params.add(filter.estateId)}`);
    if (filter.gatewayId !== undefined) where.push(`id = ${params.add(filter.gatewayId)}`);
    const rows = await selectWhere<{ id: string; estate_id: string; name: string }>(tx, params, {
      columns: 'id, estate_id, name',
      from: 'gateways',
      where,
      orderBy: 'estate_id, id',
    });
    return rows.map((row) => ({ estateId: row.estate_id, id: row.id, name: row.name }));
  }

  /** Adds the device, or moves it to another gateway, unit or asset of the same estate. */
  async upsertDevice(tx: SqlExecutor, device: DeviceRecord, at: number): Promise<void> {
    await tx.query(
      `INSERT INTO devices (estate_id, id, gateway_id, unit_id, asset_id, profile, mapped_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (estate_id, id) DO UPDATE SET
         gateway_id = EXCLUDED.gateway_id, unit_id = EXCLUDED.unit_id, asset_id = EXCLUDED.asset_id,
         profile = EXCLUDED.profile, mapped_at = EXCLUDED.mapped_at`,
      [device.estateId, device.id, device.gatewayId, device.unitId, device.assetId, device.profile, timestampParam(at)],
    );
  }

  /** Devices the caller may see under gateway.read, of one estate (optionally of one gateway). */
  async listDevices(tx: SqlExecutor, caller: Caller, estateId: string, filter: { gatewayId?: string } = {}): Promise<DeviceRecord[]> {
    const params = new SqlParams();
    const where = [scopeCondition(caller, 'gateway.read', params, { estate: 'estate_id' }), `estate_id = ${params.add(estateId)}`];
    if (filter.gatewayId !== undefined) where.push(`gateway_id = ${params.add(filter.gatewayId)}`);
    const rows = await selectWhere<DeviceRow>(tx, params, {
      columns: 'estate_id, id, gateway_id, profile, unit_id, asset_id',
      from: 'devices',
      where,
      orderBy: 'gateway_id, id',
    });
    return rows.map((row) => ({
      estateId: row.estate_id,
      id: row.id,
      gatewayId: row.gateway_id,
      profile: row.profile,
      unitId: row.unit_id,
      assetId: row.asset_id,
    }));
  }
}
