import { verifyPassword } from '../../shared/security/password-hash.js';
import type { GatewayCredentials } from '../broker/embedded-cloud-broker.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { GatewayCredentialRepository } from './gateway-credential-repository.js';

/** The password the cloud config gives a gateway (registry-repository.ts keeps its hash). */
export interface ConfiguredGatewayPasswords {
  verifyGatewayPassword(gatewayId: string, password: string): Promise<boolean>;
}

/**
 * The embedded cloud broker's check of a gateway's password, read from the database at every
 * CONNECT, so a rotation or a revocation counts from the next one without a restart. The password
 * in force in the registry decides; once the registry has issued one, the cloud config's password
 * no longer counts, even after a revocation. A gateway the registry never issued a password to is
 * checked against the config's (the embedded defaults of one machine, such as `estatecare demo`,
 * where the config is the only place a password can come from before anyone can sign in).
 */
export class GatewayLoginCheck implements GatewayCredentials {
  private readonly credentials = new GatewayCredentialRepository();

  constructor(
    private readonly db: SqlExecutor,
    private readonly configured: ConfiguredGatewayPasswords,
  ) {}

  async verifyGatewayPassword(gatewayId: string, password: string): Promise<boolean> {
    const login = await this.credentials.loginOf(this.db, gatewayId);
    if (login.inForceHash !== null) return verifyPassword(password, login.inForceHash);
    if (login.issued) return false;
    return this.configured.verifyGatewayPassword(gatewayId, password);
  }
}
