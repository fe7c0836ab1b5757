import { randomBytes } from 'node:crypto';
import { newId } from '../../shared/ids.js';
import { DEVICE_PASSWORD_PARAMS, hashPassword } from '../../shared/security/password-hash.js';
import type { Clock } from '../../shared/time/clock.js';
import { demand } from '../access/access-scope.js';
import { actorLabel, type Caller } from '../access/caller.js';
import type { Permission } from '../access/permissions.js';
import { AuditRepository } from '../audit/audit-repository.js';
import { mosquittoPasswordHash } from '../broker/mosquitto-password.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { notFound } from '../platform/app-error.js';
import { GatewayCredentialRepository, type GatewayCredentialState, type GatewayMosquittoHash, type PlacedGateway } from './gateway-credential-repository.js';

/**
 * Issuing, rotating and revoking a gateway's credential is setting up the estate's gateways
 * (estate.manage, as registering them is), not tuning their rules (gateway.config): a password lets
 * whoever holds it speak for the gateway, alerts included.
 */
export const CREDENTIAL_MANAGE: Permission = 'estate.manage';
/** Whether a gateway has a credential, since when and from whom, goes with seeing the gateway. */
export const CREDENTIAL_READ: Permission = 'gateway.read';

/** 24 random bytes: 32 base64url characters, 192 bits. */
const GENERATED_PASSWORD_BYTES = 24;

export interface IssuedGatewayCredential {
  /** The gateway's MQTT password, returned this once: only its hashes are stored. */
  password: string;
  /** True when it replaced a password in force (a rotation). */
  rotated: boolean;
  state: GatewayCredentialState;
}

/**
 * The MQTT credentials of gateways in the registry. An administrator of the gateway's estate issues
 * a password (a new one replaces the one in force: the old one is refused from the next CONNECT)
 * or revokes it; others see only whether there is one. A gateway of an estate where the caller holds
 * no role is not_found. Every change is in the audit log, with the credential's id, never a secret.
 */
export class GatewayCredentialService {
  private readonly credentials = new GatewayCredentialRepository();
  private readonly audit = new AuditRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
  ) {}

  /** A new generated password for the gateway, replacing the one in force if any. */
  async issue(caller: Caller, gatewayId: string): Promise<IssuedGatewayCredential> {
    const password = randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
    // Both hashes before the transaction: scrypt takes tens of ms, and the known password is needed for both.
    const [passwordHash, mosquittoHash] = await Promise.all([hashPassword(password, DEVICE_PASSWORD_PARAMS), mosquittoPasswordHash(password)]);
    return this.db.transaction(async (tx) => {
      const gateway = await this.reach(tx, caller, gatewayId, CREDENTIAL_MANAGE);
      const at = this.clock.now();
      const by = actorLabel(caller);
      const replaced = await this.credentials.endInForce(tx, gateway.id, 'replaced', at, by);
      const id = newId();
      await this.credentials.insert(tx, { id, gatewayId: gateway.id, passwordHash, mosquittoHash, createdAt: at, createdBy: by });
      await this.audit.recordChange(tx, caller, at, {
        estateId: gateway.estateId,
        action: replaced === null ? 'gateway_credential_issued' : 'gateway_credential_rotated',
        subjectId: gateway.id,
        details: { credential_id: id, ...(replaced === null ? {} : { replaced_credential_id: replaced }) },
      });
      return { password, rotated: replaced !== null, state: await this.credentials.state(tx, gateway) };
    });
  }

  /** Ends the password in force: the gateway is refused from its next CONNECT. Revoking none changes nothing. */
  async revoke(caller: Caller, gatewayId: string): Promise<GatewayCredentialState> {
    return this.db.transaction(async (tx) => {
      const gateway = await this.reach(tx, caller, gatewayId, CREDENTIAL_MANAGE);
      const at = this.clock.now();
      const revoked = await this.credentials.endInForce(tx, gateway.id, 'revoked', at, actorLabel(caller));
      if (revoked !== null) {
        await this.audit.recordChange(tx, caller, at, { estateId: gateway.estateId, action: 'gateway_credential_revoked', subjectId: gateway.id, details: { credential_id: revoked } });
      }
      return this.credentials.state(tx, gateway);
    });
  }

  async state(caller: Caller, gatewayId: string): Promise<GatewayCredentialState> {
    return this.db.transaction(async (tx) => this.credentials.state(tx, await this.reach(tx, caller, gatewayId, CREDENTIAL_READ, { lock: false })));
  }

  /** Mosquitto password-file hashes of the credentials in force, of every estate whose credentials the caller manages. */
  async mosquittoHashes(caller: Caller): Promise<GatewayMosquittoHash[]> {
    return this.db.transaction((tx) => this.credentials.mosquittoHashes(tx, caller, CREDENTIAL_MANAGE));
  }

  /** The gateway: not_found to a stranger to its estate (as for one that does not exist), forbidden without the permission. */
  private async reach(tx: SqlExecutor, caller: Caller, gatewayId: string, permission: Permission, options = { lock: true }): Promise<PlacedGateway> {
    const gateway = await this.credentials.placeGateway(tx, caller, gatewayId, options);
    if (!gateway) throw notFound('gateway', gatewayId);
    demand(caller, permission, { estateId: gateway.estateId });
    return gateway;
  }
}
