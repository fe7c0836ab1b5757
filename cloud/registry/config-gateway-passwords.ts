import { hashPassword, verifyPassword } from '../../shared/security/password-hash.js';
import type { ConfiguredGatewayPasswords } from './gateway-login-check.js';
import type { RegistryRepository } from './registry-repository.js';
import type { EstateSeed } from './seed-registry.js';

/** scrypt, as everywhere for gateway passwords; tests count the calls. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export const SCRYPT_HASHER: PasswordHasher = { hash: (password) => hashPassword(password), verify: verifyPassword };

/**
 * The cloud config's gateway passwords, hashed lazily: a gateway's password is hashed at the first
 * connect that needs it, not at start. Hashing every password at start, one after another, held a
 * fleet of 3,200 gateways for about two minutes before the cloud subscribed to anything.
 *
 * Every check still goes through scrypt, as before: the presented password is verified against the
 * scrypt hash of the configured one (made once per gateway and start, then kept in memory), never
 * compared as text, so a guess costs what it cost. The hash is also stored in the registry, where
 * it keeps counting if a later config names no password for the gateway (as seeding with a password
 * did). A gateway the config names no password for is checked against that stored hash.
 * Lazy rather than "hash only what changed": telling an unchanged password needs either a scrypt
 * verify (the same cost as hashing) or a fast fingerprint stored beside the hash, which would let
 * anyone holding the database test guesses at SHA speed.
 */
export class ConfigGatewayPasswords implements ConfiguredGatewayPasswords {
  private readonly configured = new Map<string, string>();
  private readonly hashes = new Map<string, Promise<string>>();

  constructor(
    private readonly registry: RegistryRepository,
    estates: readonly EstateSeed[],
    private readonly hasher: PasswordHasher = SCRYPT_HASHER,
  ) {
    for (const estate of estates) {
      for (const gateway of estate.gateways) if (gateway.password !== undefined) this.configured.set(gateway.id, gateway.password);
    }
  }

  async verifyGatewayPassword(gatewayId: string, password: string): Promise<boolean> {
    const configured = this.configured.get(gatewayId);
    if (configured === undefined) return this.registry.verifyGatewayPassword(gatewayId, password);
    return this.hasher.verify(password, await this.hashOf(gatewayId, configured));
  }

  /** One hash per gateway and start, however many connects arrive at once; a failed one is tried again at the next. */
  private hashOf(gatewayId: string, configured: string): Promise<string> {
    let hash = this.hashes.get(gatewayId);
    if (hash === undefined) {
      hash = this.hasher.hash(configured).then(async (made) => {
        await this.registry.storeGatewayPasswordHash(gatewayId, made);
        return made;
      });
      hash.catch(() => this.hashes.delete(gatewayId));
      this.hashes.set(gatewayId, hash);
    }
    return hash;
  }
}
