import { frameProtocol } from '../serial/frame-protocol.js';
import { parseDlt645Address } from './dlt645-address.js';
import { dlt645ReplyParser } from './dlt645-frame.js';
import { Dlt645Link } from './dlt645-link.js';
import { planDlt645Poll } from './dlt645-poll-plan.js';

export { parseDlt645Address } from './dlt645-address.js';
export type { Dlt645Reply, Dlt645Request } from './dlt645-transaction.js';

/**
 * DL/T 645-2007 electricity meters on an RS-485 line: each data identifier one read (0x11,
 * follow-up frames merged), the meter addressed by its 12-digit number. A meter may take 20-500 ms
 * to start its reply (DL/T 645-2007 §5.3.3, Td); 50 ms is typical.
 */
export const dlt645Protocol = frameProtocol({
  name: 'dlt645',
  typicalTurnaroundMs: 50,
  replyParser: dlt645ReplyParser,
  transactions: (frames) => new Dlt645Link(frames),
  planPoll: planDlt645Poll,
  parseAddress: parseDlt645Address,
});
