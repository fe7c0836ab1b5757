import type { Logger } from '../../shared/log/logger.js';
import { loadOperatorCaller } from '../access/operator-caller.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { DeviceRepository } from '../estates/device-repository.js';
import type { HouseholdService } from '../estates/household-service.js';
import type { HouseholdKey } from '../estates/household-records.js';
import { isAppError } from '../platform/app-error.js';
import type { GatewayConfigService } from './gateway-config-service.js';

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
}
