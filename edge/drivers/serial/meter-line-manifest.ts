import type { z } from 'zod';
import type { PolledProtocol } from '../../bus/polled-protocol.js';
import type { PolledDeviceProfile } from '../../profiles/polled-profile.js';
import type { PolledProtocolManifest } from '../protocol-manifest.js';

/**
 * The manifest of a frame protocol for RS-485 meters (DL/T 645, CJ/T 188): one bus kind named after
 * the protocol, at 2400 baud 8E1, the line such meters answer at unless their profile or the bus
 * config says otherwise. A 1.5 s reply timeout covers a DL/T 645 meter's longest allowed turnaround
 * (500 ms, DL/T 645-2007 §5.3.3) plus a 20-byte reply at 2400 baud 8E1 (92 ms) with room for a slow
 * first byte after the FE preamble.
 */
export function meterLineManifest<P extends PolledDeviceProfile>(parts: {
  profileSchema: z.ZodType<P>;
  polled: PolledProtocol<any, any>;
  /** The meter address in its one written form; throws an Error naming what is wrong. */
  parseAddress(address: string): string;
}): PolledProtocolManifest<P> {
  const name = parts.polled.name;
  return {
    kind: 'polled',
    name,
    profileSchema: parts.profileSchema,
    buses: [{ protocol: name, transport: 'serial', line: { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 }, timeoutMs: 1500 }],
    polled: parts.polled,
    parseAddress: (address) => parts.parseAddress(address),
  };
}
