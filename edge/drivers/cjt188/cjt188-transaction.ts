import { BusError } from '../../bus/bus-error.js';
import { hexByte, toHex } from '../frame-codec/hex.js';
import type { FrameExchange } from '../serial/serial-frame-link.js';
import { CJT188_ANY_METER_TYPE } from './cjt188-address.js';
import { DATA_ID_LENGTH, dataIdOrderOf, DI_READ_ADDRESS, formatDataId, type DataIdOrder } from './cjt188-data-id.js';
import { buildCjt188Frame, CJT188_FUNCTION, CONTROL_ABNORMAL, CONTROL_FUNCTION_MASK, CONTROL_REPLY, parseCjt188Frame, type Cjt188Frame } from './cjt188-frame.js';
import { readAddressRequest, readDataRequest } from './cjt188-messages.js';

export type Cjt188Request =
  | {
      kind: 'read_data';
      meterType: number;
      address: string;
      di: number;
      diOrder: DataIdOrder;
      preambleCount: number;
      /** Whether a reply whose SER differs from the request's is refused (a late reply to an earlier request). */
      requireSerEcho: boolean;
    }
  | { kind: 'read_address'; diOrder: DataIdOrder; preambleCount: number };

export interface Cjt188Reply {
  meterType: number;
  address: string;
  di: number;
  ser: number;
  /** DATA after DI and SER. */
  payload: Uint8Array;
}

/**
 * One exchange with SER `ser`: checks the reply against the request (function, meter type, address,
 * DI in either byte order, SER) and turns an abnormal reply (0xC1) into BusError('exception') with
 * exceptionCode = ST (first byte low: ST 21 84 -> 0x8421).
 */
export async function runCjt188Transaction(request: Cjt188Request, ser: number, exchange: FrameExchange, timeoutMs: number): Promise<Cjt188Reply> {
  const sent =
    request.kind === 'read_data'
      ? readDataRequest(request.meterType, request.address, request.di, ser, request.diOrder)
      : readAddressRequest(ser, request.diOrder);
  const functionCode = request.kind === 'read_data' ? CJT188_FUNCTION.readData : CJT188_FUNCTION.readAddress;
  const di = request.kind === 'read_data' ? request.di : DI_READ_ADDRESS;
  const bytes = await exchange({ frame: buildCjt188Frame(sent, request.preambleCount), expectReply: true }, timeoutMs);
  const reply = parseCjt188Frame(bytes);

  if ((reply.control & CONTROL_REPLY) === 0 || (reply.control & CONTROL_FUNCTION_MASK) !== functionCode) {
    throw new BusError('malformed', `control code 0x${hexByte(reply.control)} does not answer function 0x${hexByte(functionCode)}`);
  }
  if (request.kind === 'read_data') checkSender(reply, sent);
  if ((reply.control & CONTROL_ABNORMAL) !== 0) throw abnormal(reply);

  if (reply.data.length < DATA_ID_LENGTH + 1) throw new BusError('malformed', `reply DATA too short: ${toHex(reply.data)}`);
  if (dataIdOrderOf(reply.data, di) === undefined) {
    throw new BusError('malformed', `reply carries DI ${toHex(reply.data.subarray(0, 2))}, asked ${formatDataId(di)}`);
  }
  const echoedSer = reply.data[DATA_ID_LENGTH] ?? 0;
  if (request.kind === 'read_data' && request.requireSerEcho && echoedSer !== (ser & 0xff)) {
    throw new BusError('malformed', `reply carries SER ${echoedSer}, asked ${ser & 0xff}`);
  }
  if (request.kind === 'read_address' && (reply.address.includes('A') || reply.meterType === CJT188_ANY_METER_TYPE)) {
    throw new BusError('malformed', `read address: the reply carries a wildcard (type ${hexByte(reply.meterType)}, address ${reply.address})`);
  }
  return { meterType: reply.meterType, address: reply.address, di, ser: echoedSer, payload: reply.data.slice(DATA_ID_LENGTH + 1) };
}

/** The reply must come from the meter asked, of the type asked: anything else is not its answer. */
function checkSender(reply: Cjt188Frame, sent: Cjt188Frame): void {
  if (reply.address !== sent.address) throw new BusError('malformed', `reply from address ${reply.address}, asked ${sent.address}`);
  if (reply.meterType !== sent.meterType) {
    throw new BusError('malformed', `reply from meter type 0x${hexByte(reply.meterType)}, asked 0x${hexByte(sent.meterType)}`);
  }
}

/** Abnormal reply: DATA = SER ST (L = 3, cj94) or DI SER ST (L = 5, as some meters send). */
function abnormal(reply: Cjt188Frame): BusError {
  const { data } = reply;
  const st = data.length >= 5 ? data.subarray(3, 5) : data.subarray(1, 3);
  const code = (st[0] ?? 0) | ((st[1] ?? 0) << 8);
  return new BusError('exception', `meter ${reply.address} answered abnormally (C 0x${hexByte(reply.control)}), ST ${toHex(st)}`, { exceptionCode: code });
}
