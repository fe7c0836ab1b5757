import type { BusConfig } from '../../bus/bus-config.js';
import type { PolledDevice } from '../../bus/polled-device.js';
import type { PolledProtocol } from '../../bus/polled-protocol.js';
import type { Logger } from '../../../shared/log/logger.js';
import { SerialFrameLink, serialSettingsOf } from '../serial/serial-frame-link.js';
import { parseDlt645Address } from './dlt645-address.js';
import { dlt645ReplyParser } from './dlt645-frame.js';
import { Dlt645Link } from './dlt645-link.js';
import { planDlt645Poll } from './dlt645-poll-plan.js';
import type { Dlt645Reply, Dlt645Request } from './dlt645-transaction.js';

export { parseDlt645Address } from './dlt645-address.js';
export type { Dlt645Reply, Dlt645Request } from './dlt645-transaction.js';

/**
 * DL/T 645-2007 electricity meters on an RS-485 line (protocols.md 3): each data identifier one read
 * (0x11, follow-up frames merged), the meter addressed by its 12-digit number.
 */
export const dlt645Protocol: PolledProtocol<Dlt645Request, Dlt645Reply> = {
  name: 'dlt645',
  createLink(bus: BusConfig, logger: Logger) {
    const serial = serialSettingsOf(bus);
    return new Dlt645Link(new SerialFrameLink({ serial, parser: dlt645ReplyParser, logger: logger.child({ protocol: 'dlt645' }) }));
  },
  planPoll(device: PolledDevice) {
    if (device.profile.driver !== 'dlt645') throw new Error(`device ${device.id}: profile ${device.profile.id} is for ${device.profile.driver}, not dlt645`);
    return planDlt645Poll(device.profile, parseDlt645Address(device.address));
  },
};
