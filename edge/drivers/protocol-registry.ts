import { z } from 'zod';
import { busConfigSchema, type BusConfig, type BusConfigInput } from '../bus/bus-config.js';
import type { BusKind } from '../bus/bus-kind.js';
import type { DeviceProfile } from '../profiles/device-profile.js';
import type { PolledProtocolManifest, ProfileOf, ProtocolManifest } from './protocol-manifest.js';

/**
 * The protocols a gateway speaks, read from their manifests (protocol-manifest.ts) and nowhere else:
 * the profile schema is the union of theirs, a bus config's `protocol:` one of their bus kinds.
 * Binding devices (bind-devices.ts), settling buses (settle-buses.ts) and making drivers
 * (create-driver.ts) look protocols up here.
 */
export interface ProtocolRegistry<P extends DeviceProfile = DeviceProfile> {
  readonly manifests: readonly ProtocolManifest[];
  /** Any profile of these protocols, told apart by `driver:`. */
  readonly profileSchema: z.ZodType<P>;
  /** A bus of the gateway config whose `protocol:` is one of these protocols' bus kinds. */
  readonly busConfigSchema: z.ZodType<BusConfig, BusConfigInput>;
  /** The manifest of a profile's `driver:`. */
  manifestOf(driver: string): ProtocolManifest | undefined;
  /** The bus kind of a bus's `protocol:`, and the manifest that speaks it. */
  busKindOf(protocol: string): { kind: BusKind; manifest: PolledProtocolManifest } | undefined;
}

/** Throws when two manifests claim the same name or the same bus protocol. */
export function createProtocolRegistry<const M extends readonly ProtocolManifest[]>(manifests: M): ProtocolRegistry<ProfileOf<M[number]>> {
  const byName = new Map<string, ProtocolManifest>();
  const byBusProtocol = new Map<string, { kind: BusKind; manifest: PolledProtocolManifest }>();
  for (const manifest of manifests) {
    if (byName.has(manifest.name)) throw new Error(`two protocol manifests are named ${manifest.name}`);
    byName.set(manifest.name, manifest);
    if (manifest.kind !== 'polled') continue;
    for (const kind of manifest.buses) {
      const other = byBusProtocol.get(kind.protocol);
      if (other) throw new Error(`bus protocol ${kind.protocol} is claimed by ${other.manifest.name} and ${manifest.name}`);
      byBusProtocol.set(kind.protocol, { kind, manifest });
    }
  }
  const schemas = manifests.map((manifest) => manifest.profileSchema);
  // Each manifest's schema is an object with `driver: z.literal(name)` (protocol-manifest.ts), which
  // is what a discriminated union needs; zod checks it when the union is built.
  const profileSchema = z.discriminatedUnion('driver', schemas as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<ProfileOf<M[number]>>;
  return {
    manifests,
    profileSchema,
    busConfigSchema: busConfigSchema([...byBusProtocol.values()].map((entry) => entry.kind)),
    manifestOf: (driver) => byName.get(driver),
    busKindOf: (protocol) => byBusProtocol.get(protocol),
  };
}
