import type { RegistryRepository } from './registry-repository.js';

/** Estates and gateways as the cloud config lists them (snake_case, as in the YAML file). */
export interface EstateSeed {
  id: string;
  name: string;
  gateways: ReadonlyArray<{ id: string; name?: string; password?: string }>;
}

/** Upserts every estate and gateway of the config; a gateway without a name is named by its id. */
export async function seedRegistry(registry: RegistryRepository, estates: readonly EstateSeed[]): Promise<void> {
  for (const estate of estates) {
    await registry.upsertEstate({ id: estate.id, name: estate.name });
    for (const gateway of estate.gateways) {
      await registry.upsertGateway({ id: gateway.id, estateId: estate.id, name: gateway.name ?? gateway.id, password: gateway.password });
    }
  }
}
