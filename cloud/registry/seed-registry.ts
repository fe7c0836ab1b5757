import type { RegistryRepository } from './registry-repository.js';

/** Estates and gateways as the cloud config lists them (snake_case, as in the YAML file). */
export interface EstateSeed {
  id: string;
  name: string;
  gateways: ReadonlyArray<{ id: string; name?: string; password?: string }>;
}

/**
 * Upserts every estate and gateway of the config, a gateway without a name named by its id, in a
 * few statements per estate. No password is hashed here: the config's passwords are checked by
 * ConfigGatewayPasswords, which hashes each at the gateway's first connect, so start takes the same
 * few seconds whatever the size of the fleet (scrypt takes about 50 ms a password).
 */
export async function seedRegistry(registry: RegistryRepository, estates: readonly EstateSeed[]): Promise<void> {
  for (const estate of estates) {
    await registry.upsertEstate({ id: estate.id, name: estate.name });
    await registry.upsertGatewaysOfEstate(
      estate.id,
      estate.gateways.map((gateway) => ({ id: gateway.id, name: gateway.name ?? gateway.id })),
    );
  }
}
