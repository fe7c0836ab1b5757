import type { PolledProtocol } from '../../../edge/bus/polled-protocol.js';
import type { PolledProtocolManifest } from '../../../edge/drivers/protocol-manifest.js';
import { ToyLink, type ToyRequest } from './toy-link.js';
import { ToyDeviceProfileSchema, type ToyDeviceProfile } from './toy-profile.js';

function parseToyAddress(address: string): number {
  if (!/^\d{1,3}$/.test(address)) throw new Error(`toy address "${address}" is not a unit number`);
  return Number(address);
}

/** One read per point, as the device's profile lists them. */
const toyProtocol: PolledProtocol<ToyRequest, number> = {
  name: 'toy',
  typicalTurnaroundMs: 1,
  createLink(bus) {
    if (bus.transport !== 'tcp') throw new Error(`bus ${bus.id}: toy runs over TCP`);
    return new ToyLink(bus.host, bus.port);
  },
  planPoll(device) {
    const profile = device.profile as ToyDeviceProfile;
    const unit = parseToyAddress(device.address);
    return profile.points.map((point) => ({
      request: { unit, register: point.attributes.register },
      points: [point.name],
      decode: (raw: number) => [{ point: point.name, raw }],
    }));
  },
};

/** The toy protocol's manifest: everything the registry needs, from this folder alone. */
export const toyManifest: PolledProtocolManifest<ToyDeviceProfile> = {
  kind: 'polled',
  name: 'toy',
  profileSchema: ToyDeviceProfileSchema,
  buses: [{ protocol: 'toy_tcp', transport: 'tcp', port: 7777, timeoutMs: 300 }],
  polled: toyProtocol,
  parseAddress: (address) => parseToyAddress(address),
};
