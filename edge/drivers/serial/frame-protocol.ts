import type { BusLink } from '../../bus/bus-link.js';
import type { PolledDevice } from '../../bus/polled-device.js';
import type { PollStep, PolledProtocol } from '../../bus/polled-protocol.js';
import type { PolledDeviceProfile } from '../../profiles/polled-profile.js';
import type { FrameParser } from './frame-parser.js';
import { SerialFrameLink, serialSettingsOf, type FrameReply, type FrameRequest } from './serial-frame-link.js';

/** What a frame protocol on an RS-485 line (DL/T 645, CJ/T 188) adds to the serial frame link. */
export interface FrameProtocolSpec<Request, Reply, Profile extends PolledDeviceProfile> {
  name: string;
  typicalTurnaroundMs: number;
  /** Finds a complete reply frame in the bytes received so far. */
  replyParser: FrameParser;
  /** The protocol's transactions (follow-up frames, sequence numbers) over one frame exchange. */
  transactions(frames: BusLink<FrameRequest, FrameReply>): BusLink<Request, Reply>;
  /** The steps of one poll; the address is already parsed. */
  planPoll(profile: Profile, address: string): Array<PollStep<Request, Reply>>;
  /** The address in its one written form; throws an Error naming what is wrong. */
  parseAddress(address: string): string;
}

/**
 * A PolledProtocol for a frame protocol: its link is a SerialFrameLink on the bus's settled line,
 * and a poll is planned from a profile of the protocol's own driver.
 */
export function frameProtocol<Request, Reply, Profile extends PolledDeviceProfile>(spec: FrameProtocolSpec<Request, Reply, Profile>): PolledProtocol<Request, Reply> {
  return {
    name: spec.name,
    typicalTurnaroundMs: spec.typicalTurnaroundMs,
    createLink(bus, logger) {
      const frames = new SerialFrameLink({ serial: serialSettingsOf(bus), parser: spec.replyParser, logger: logger.child({ protocol: spec.name }) });
      return spec.transactions(frames);
    },
    planPoll(device: PolledDevice) {
      if (device.profile.driver !== spec.name) throw new Error(`device ${device.id}: profile ${device.profile.id} is for ${device.profile.driver}, not ${spec.name}`);
      // The profile schema of the protocol's manifest made every profile whose driver is this one.
      return spec.planPoll(device.profile as Profile, spec.parseAddress(device.address));
    },
  };
}
