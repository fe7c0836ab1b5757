import { PolledDriver } from '../bus/polled-driver.js';
import type { Driver } from './driver.js';
import type { DriverContext } from './protocol-manifest.js';
import type { ProtocolRegistry } from './protocol-registry.js';
import { SHIPPED_PROTOCOLS } from './shipped-protocols.js';

export type { DriverContext } from './protocol-manifest.js';

/**
 * The driver of a profile's `driver:`: a PolledDriver (one bus scheduler per bus) around a field
 * protocol's PolledProtocol, or what the manifest of any other protocol makes.
 */
export function createDriver(name: string, context: DriverContext, protocols: ProtocolRegistry = SHIPPED_PROTOCOLS): Driver {
  const manifest = protocols.manifestOf(name);
  if (!manifest) throw new Error(`no protocol ${name} (known: ${protocols.manifests.map((known) => known.name).join(', ')})`);
  if (manifest.kind === 'driver') return manifest.createDriver(context);
  return new PolledDriver(manifest.polled, context.buses, context.sink, context.clock, context.logger.child({ component: `${name}-driver` }));
}
