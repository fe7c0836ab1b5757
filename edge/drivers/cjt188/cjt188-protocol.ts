import type { Logger } from '../../../shared/log/logger.js';
import type { BusConfig } from '../../bus/bus-config.js';
import type { PolledDevice } from '../../bus/polled-device.js';
import type { PolledProtocol } from '../../bus/polled-protocol.js';
import { SerialFrameLink, serialSettingsOf } from '../serial/serial-frame-link.js';
import { parseCjt188Address } from './cjt188-address.js';
import { cjt188ReplyParser } from './cjt188-frame.js';
import { Cjt188Link } from './cjt188-link.js';
import { planCjt188Poll } from './cjt188-poll-plan.js';
import type { Cjt188Reply, Cjt188Request } from './cjt188-transaction.js';

export { parseCjt188Address } from './cjt188-address.js';
export type { Cjt188Reply, Cjt188Request } from './cjt188-transaction.js';

/**
 * CJ/T 188-2004 water and gas meters on an RS-485 line (protocols.md 4): one read of DI 0x901F per
 * poll, the meter addressed by its type byte and 14-digit number.
 */
export const cjt188Protocol: PolledProtocol<Cjt188Request, Cjt188Reply> = {
  name: 'cjt188',
  createLink(bus: BusConfig, logger: Logger) {
    const serial = serialSettingsOf(bus);
    return new Cjt188Link(new SerialFrameLink({ serial, parser: cjt188ReplyParser, logger: logger.child({ protocol: 'cjt188' }) }));
  },
  planPoll(device: PolledDevice) {
    if (device.profile.driver !== 'cjt188') throw new Error(`device ${device.id}: profile ${device.profile.id} is for ${device.profile.driver}, not cjt188`);
    return planCjt188Poll(device.profile, parseCjt188Address(device.address));
  },
};
