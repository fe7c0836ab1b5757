import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { SerialFieldBus } from '../../edge/bus/bus-config.js';
import type { BusLink } from '../../edge/bus/bus-link.js';
import type { PolledDevice } from '../../edge/bus/polled-device.js';
import type { PolledProtocol } from '../../edge/bus/polled-protocol.js';
import { DeviceProfileSchema } from '../../edge/drivers/shipped-protocols.js';
import type { DeviceProfile } from '../../edge/profiles/device-profile.js';
import { isPolledProfile } from '../../edge/profiles/polled-profile.js';
import { serialFieldBus } from '../bus/field-bus.js';

/**
 * Helpers for polling simulated meters over a pty pair through a protocol's own link and poll plan,
 * as the bus scheduler would, one step after the other.
 */
const PROFILES_DIR = fileURLToPath(new URL('../../device-profiles', import.meta.url));

/** A shipped profile, its settings optionally changed (a vendor variant), validated again. */
export function meterProfile(id: string, settings: Record<string, unknown> = {}): DeviceProfile {
  const raw = parse(readFileSync(`${PROFILES_DIR}/${id}.yaml`, 'utf8')) as { settings?: Record<string, unknown> };
  return DeviceProfileSchema.parse({ ...raw, settings: { ...raw.settings, ...settings } });
}

/** A bus of the protocol on the path, at its default line (2400 8E1). */
export function serialBus(path: string, protocol: 'dlt645' | 'cjt188'): SerialFieldBus {
  return serialFieldBus({ id: `bus-${protocol}`, transport: 'serial', protocol, path });
}

/** A device of a polled profile at the address; a profile of another kind is an error. */
export function meterDevice(profile: DeviceProfile, address: string, timeoutMs = 1000): PolledDevice {
  if (!isPolledProfile(profile)) throw new Error(`${profile.id} is not a polled profile`);
  return {
    id: `meter-${address}`,
    subject: { kind: 'unit', id: 'hh-7f3a' },
    profile,
    busId: 'bus',
    address,
    pollIntervalMs: 30_000,
    timeoutMs,
    retries: 0,
  };
}

/** One poll: every step in order; the first failure is thrown. Returns point -> raw value. */
export async function pollOnce<Req, Reply>(protocol: PolledProtocol<Req, Reply>, link: BusLink<Req, Reply>, device: PolledDevice): Promise<Record<string, number>> {
  const values: Record<string, number> = {};
  for (const step of protocol.planPoll(device)) {
    const reply = await link.execute(step.request, device.timeoutMs);
    for (const value of step.decode(reply)) values[value.point] = value.raw;
  }
  return values;
}
