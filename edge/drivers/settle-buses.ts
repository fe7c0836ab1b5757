import type { Logger } from '../../shared/log/logger.js';
import { settleBus, type BusConfig, type FieldBus } from '../bus/bus-config.js';
import type { DeviceProfile } from '../profiles/device-profile.js';
import type { ProtocolRegistry } from './protocol-registry.js';
import { SHIPPED_PROTOCOLS } from './shipped-protocols.js';

/** A device as far as its bus is concerned: which bus it is on and its profile. */
export interface DeviceOnBus {
  profile: DeviceProfile;
  config: { bus?: string | undefined };
}

export interface SettleOptions {
  protocols?: ProtocolRegistry;
  logger?: Logger;
}

/**
 * The buses as the gateway runs them: what each bus config leaves out comes from its protocol's bus
 * kind (the manifest's defaults). Throws when a bus names a protocol the registry does not have,
 * which the bus schema already refuses.
 */
export function settleBuses(buses: readonly BusConfig[], devices: readonly DeviceOnBus[], options: SettleOptions = {}): FieldBus[] {
  const protocols = options.protocols ?? SHIPPED_PROTOCOLS;
  return buses.map((bus) => {
    const entry = protocols.busKindOf(bus.protocol);
    if (!entry) throw new Error(`bus ${bus.id}: no protocol folder speaks ${bus.protocol}`);
    return settleBus(bus, entry.kind);
  });
}
