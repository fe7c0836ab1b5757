import { frameProtocol } from '../serial/frame-protocol.js';
import { parseCjt188Address } from './cjt188-address.js';
import { cjt188ReplyParser } from './cjt188-frame.js';
import { Cjt188Link } from './cjt188-link.js';
import { planCjt188Poll } from './cjt188-poll-plan.js';

export { parseCjt188Address } from './cjt188-address.js';
export type { Cjt188Reply, Cjt188Request } from './cjt188-transaction.js';

/**
 * CJ/T 188-2004 water and gas meters on an RS-485 line: one read of DI 0x901F per poll, the meter
 * addressed by its type byte and 14-digit number. Meters answer about as slowly as DL/T 645 ones.
 */
export const cjt188Protocol = frameProtocol({
  name: 'cjt188',
  typicalTurnaroundMs: 50,
  replyParser: cjt188ReplyParser,
  transactions: (frames) => new Cjt188Link(frames),
  planPoll: planCjt188Poll,
  parseAddress: parseCjt188Address,
});
