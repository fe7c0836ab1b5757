import { BusError } from '../../bus/bus-error.js';
import { toHex } from '../frame-codec/hex.js';
import type { FrameExchange } from '../serial/serial-frame-link.js';
import { DLT645_BROADCAST_ADDRESS, DLT645_WILDCARD_ADDRESS } from './dlt645-address.js';
import { DATA_ID_LENGTH, dataIdFromBytes, normaliseDataId } from './dlt645-data-id.js';
import {
  buildDlt645Frame,
  CONTROL_ABNORMAL,
  CONTROL_FOLLOW_UP,
  CONTROL_FUNCTION_MASK,
  CONTROL_REPLY,
  DLT645_FUNCTION,
  parseDlt645Frame,
  type Dlt645Frame,
} from './dlt645-frame.js';
import { broadcastTimeSyncRequest, describeDlt645Error, readAddressRequest, readFollowUpRequest, readRequest } from './dlt645-messages.js';
import type { MeterClockFields } from '../frame-codec/meter-clock.js';

/** What the dlt645 link executes: one read of one data identifier (follow-up frames merged), and the two helpers. */
export type Dlt645Request =
  | { kind: 'read'; address: string; di: string; preambleCount: number }
  | { kind: 'read_address'; preambleCount: number }
  | { kind: 'broadcast_time_sync'; time: MeterClockFields; preambleCount: number };

export interface Dlt645Reply {
  /** The answering meter's address (for read_address, the address it reported). */
  address: string;
  /** Value bytes without DI, SEQ and +0x33, all frames joined; empty for a broadcast. */
  data: Uint8Array;
  /** Reply frames received: 1 + follow-ups; 0 for a broadcast. */
  frames: number;
}

/** Follow-up frames accepted for one read before the reply is called malformed (a meter looping). */
export const MAX_DLT645_FOLLOW_UPS = 16;

/**
 * Runs one request over a frame exchange: checks every reply frame against the request (address,
 * function, DI, SEQ), turns 0xD1/0xD2/0xD3 into BusError('exception', exceptionCode = ERR) and reads
 * follow-up frames (0xB1 -> 0x12 ... until 0x92). timeoutMs applies to each frame exchange.
 */
export async function runDlt645Transaction(request: Dlt645Request, exchange: FrameExchange, timeoutMs: number): Promise<Dlt645Reply> {
  const send = async (frame: Dlt645Frame): Promise<Dlt645Frame> => {
    const reply = await exchange({ frame: buildDlt645Frame(frame, request.preambleCount), expectReply: true }, timeoutMs);
    return parseDlt645Frame(reply);
  };
  switch (request.kind) {
    case 'broadcast_time_sync':
      // Broadcasts to 99..99 are never answered (DL/T 645-2007 broadcast address).
      await exchange({ frame: buildDlt645Frame(broadcastTimeSyncRequest(request.time), request.preambleCount), expectReply: false }, timeoutMs);
      return { address: DLT645_BROADCAST_ADDRESS, data: new Uint8Array(0), frames: 0 };
    case 'read_address': {
      const reply = await send(readAddressRequest());
      checkControl(reply, DLT645_FUNCTION.readAddress);
      if (reply.address.includes('A')) throw new BusError('malformed', `read address: the reply carries wildcard address ${reply.address}`);
      return { address: reply.address, data: reply.data, frames: 1 };
    }
    case 'read':
      return readWithFollowUps(request.address, normaliseDataId(request.di), send);
  }
}

async function readWithFollowUps(address: string, di: string, send: (frame: Dlt645Frame) => Promise<Dlt645Frame>): Promise<Dlt645Reply> {
  const first = await send(readRequest(address, di));
  checkAddress(first, address);
  let more = checkControl(first, DLT645_FUNCTION.read);
  checkDataId(first, di);
  const parts = [first.data.subarray(DATA_ID_LENGTH)];
  for (let seq = 1; more; seq++) {
    if (seq > MAX_DLT645_FOLLOW_UPS) throw new BusError('malformed', `DI ${di}: more than ${MAX_DLT645_FOLLOW_UPS} follow-up frames`);
    const next = await send(readFollowUpRequest(address, di, seq));
    checkAddress(next, address);
    more = checkControl(next, DLT645_FUNCTION.readFollowUp);
    checkDataId(next, di);
    if (next.data.length < DATA_ID_LENGTH + 1) throw new BusError('malformed', `DI ${di}: follow-up frame ${seq} has no SEQ byte`);
    const echoed = next.data[next.data.length - 1];
    if (echoed !== (seq & 0xff)) throw new BusError('malformed', `DI ${di}: follow-up frame answers SEQ ${echoed}, asked ${seq}`);
    parts.push(next.data.subarray(DATA_ID_LENGTH, next.data.length - 1));
  }
  const data = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return { address, data, frames: parts.length };
}

/** The reply must come from the meter asked: a late reply of another meter is not this one's. */
function checkAddress(reply: Dlt645Frame, address: string): void {
  if (reply.address !== address && address !== DLT645_WILDCARD_ADDRESS) {
    throw new BusError('malformed', `reply from address ${reply.address}, asked ${address}`);
  }
}

/** Checks the reply's control code for a function; returns whether follow-up frames exist. */
function checkControl(reply: Dlt645Frame, functionCode: number): boolean {
  const control = reply.control;
  if ((control & CONTROL_FUNCTION_MASK) !== functionCode || (control & CONTROL_REPLY) === 0) {
    throw new BusError('malformed', `control code 0x${control.toString(16)} does not answer function 0x${functionCode.toString(16)}`);
  }
  if ((control & CONTROL_ABNORMAL) !== 0) {
    const errorWord = reply.data[0] ?? 0;
    throw new BusError('exception', `meter ${reply.address} refused function 0x${functionCode.toString(16)}: ERR 0x${errorWord.toString(16).padStart(2, '0')} (${describeDlt645Error(errorWord)})`, {
      exceptionCode: errorWord,
    });
  }
  return (control & CONTROL_FOLLOW_UP) !== 0;
}

function checkDataId(reply: Dlt645Frame, di: string): void {
  if (reply.data.length < DATA_ID_LENGTH) throw new BusError('malformed', `reply to DI ${di} has ${reply.data.length} data bytes: ${toHex(reply.data)}`);
  const echoed = dataIdFromBytes(reply.data);
  if (echoed !== di) throw new BusError('malformed', `reply carries DI ${echoed}, asked ${di}`);
}
