import type { Logger } from '../../shared/log/logger.js';
import { serialSettings, settleBus, type BusConfig, type FieldBus } from '../bus/bus-config.js';
import { factoryLineOf } from '../bus/factory-line.js';
import { describeLine } from '../bus/serial-line.js';
import type { DeviceProfile } from '../profiles/device-profile.js';
import { isPolledProfile } from '../profiles/polled-profile.js';
import type { ProtocolRegistry } from './protocol-registry.js';
import { SHIPPED_PROTOCOLS } from './shipped-protocols.js';

/** A device as far as its bus is concerned: which bus it is on and its profile. */
export interface DeviceOnBus {
  profile: DeviceProfile;
  config: { bus?: string | undefined };
}

export interface SettleOptions {
  protocols?: ProtocolRegistry;
  /** Told once per bus where its line comes from its devices' profiles, and where they disagree. */
  logger?: Logger;
}

/**
 * The buses as the gateway runs them. A serial setting the bus config leaves out is the one the
 * profiles of the devices on the bus ship with (`factory_line:`) when they all agree, else the
 * protocol's default (its manifest's bus kind); the port and the reply timeout likewise. Profiles
 * that disagree are warned about: on such a line some meters answer only once it is set on the bus.
 * Throws when a bus names a protocol the registry does not have, which the bus schema refuses first.
 */
export function settleBuses(buses: readonly BusConfig[], devices: readonly DeviceOnBus[], options: SettleOptions = {}): FieldBus[] {
  const protocols = options.protocols ?? SHIPPED_PROTOCOLS;
  return buses.map((bus) => {
    const entry = protocols.busKindOf(bus.protocol);
    if (!entry) throw new Error(`bus ${bus.id}: no protocol folder speaks ${bus.protocol}`);
    if (bus.transport !== 'serial') return settleBus(bus, entry.kind);
    const profiles = devices.filter((device) => device.config.bus === bus.id && isPolledProfile(device.profile)).map((device) => device.profile);
    const { agreed, disagreements } = factoryLineOf(profiles);
    const settled = settleBus(bus, entry.kind, agreed);
    if (settled.transport !== 'serial') return settled;
    const fromProfiles = Object.keys(agreed).filter((field) => bus[field as keyof typeof agreed] === undefined);
    if (fromProfiles.length > 0) {
      options.logger?.info(
        { bus: bus.id, line: describeLine(serialSettings(settled)), from_profiles: fromProfiles, profiles: [...new Set(profiles.map((profile) => profile.id))] },
        'serial line settings from the profiles of the devices on the bus',
      );
    }
    for (const { field, values } of disagreements) {
      if (bus[field] !== undefined) continue;
      options.logger?.warn(
        { bus: bus.id, setting: field, profiles: Object.fromEntries(values.map(({ value, profiles: ids }) => [String(value), ids])), using: settled[field] },
        `the devices on this bus ship with different ${field} settings, so the protocol's default is used: set ${field} on the bus to the line its meters run at`,
      );
    }
    return settled;
  });
}
