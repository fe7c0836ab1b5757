import type { Logger } from '../../shared/log/logger.js';
import { loadOperatorCaller } from '../access/operator-caller.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { timestampParam } from '../db/sql-values.js';
import { DeviceRepository } from '../estates/device-repository.js';
import type { HouseholdService } from '../estates/household-service.js';
import type { HouseholdKey } from '../estates/household-records.js';
import { isAppError } from '../platform/app-error.js';
import type { GatewayConfigService } from './gateway-config-service.js';

/** Where a gateway watching a household stands with the household's latest change. */
export interface HouseholdConfigStatus {
  gatewayId: string;
  /** The first config issued to the gateway since the change: the one carrying it; null while none is. */
  carriedBy: number | null;
  /** The config version the gateway last reported running (its status), if any. */
  reported: number | null;
  /** The gateway runs the change: it reports the carrying version or a later one. */
  running: boolean;
}

/**
 * After a household's care record changes, each gateway with a device of that unit gets a new rules
 * config: its care section derived from the estate's records (careRulesConfigOf), every other
 * section kept from its current config. Withdrawn consent leaves the household out, so the gateway
 * stops monitoring it.
 */
export class HouseholdConfigDelivery {
  private readonly devices = new DeviceRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly households: Pick<HouseholdService, 'careRulesForGateway'>,
    private readonly configs: Pick<GatewayConfigService, 'change'>,
    private readonly logger: Logger,
  ) {}

  /** issuedBy: the actor of the household change, recorded as the issuer of each config. */
  async deliverFor(key: HouseholdKey, issuedBy: string): Promise<void> {
    // Derivation is the cloud's own work, not a read shown to anyone: it runs as the operator.
    const operator = await loadOperatorCaller(this.db);
    const devices = await this.db.transaction((tx) => this.devices.listDevices(tx, operator, key.estateId));
    const gatewayIds = [...new Set(devices.filter((device) => device.unitId === key.unitId).map((device) => device.gatewayId))];
    for (const gatewayId of gatewayIds) {
      try {
        // The care section is derived inside the change, so a change made again after another
        // was stored first derives it again from the records as they are then.
        await this.configs.change(gatewayId, async (current) => ({ ...current, care: await this.households.careRulesForGateway(operator, key.estateId, gatewayId) }), issuedBy);
      } catch (error) {
        // Stored, not sent: the cloud sends every gateway's latest config when the broker is back.
        if (!isAppError(error, 'unavailable')) throw error;
        this.logger.warn({ gatewayId, code: error.code }, 'household change stored; its gateway config waits for the broker');
      }
    }
  }

  /**
   * For each gateway with a device of the unit: the config version carrying the record's change of
   * `changedAt` and whether the gateway runs it yet (gateway_status.status.config_version).
   */
  async statusFor(key: HouseholdKey, changedAt: number): Promise<HouseholdConfigStatus[]> {
    const { rows } = await this.db.query<{ gateway_id: string; carried_by: number | null; reported: string | null }>(
      `SELECT d.gateway_id,
              (SELECT min(c.version) FROM gateway_configs c WHERE c.gateway_id = d.gateway_id AND c.issued_at >= $3::timestamptz) AS carried_by,
              s.status->>'config_version' AS reported
       FROM (SELECT DISTINCT gateway_id FROM devices WHERE estate_id = $1 AND unit_id = $2) d
       LEFT JOIN gateway_status s ON s.gateway_id = d.gateway_id
       ORDER BY d.gateway_id`,
      [key.estateId, key.unitId, timestampParam(changedAt)],
    );
    return rows.map((row) => {
      const carriedBy = row.carried_by === null ? null : Number(row.carried_by);
      const reported = row.reported !== null && /^\d+$/.test(row.reported) ? Number(row.reported) : null;
      return { gatewayId: row.gateway_id, carriedBy, reported, running: carriedBy !== null && reported !== null && reported >= carriedBy };
    });
  }
}
