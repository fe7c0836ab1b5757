import { BusError } from '../../bus/bus-error.js';
import { addressFromWire, addressToWire } from '../frame-codec/bcd-address.js';
import { sum8 } from '../frame-codec/checksum.js';
import { FRAME_END, FRAME_START, PREAMBLE_BYTE, directedFrameParsers, scanSumFrame } from '../frame-codec/sum-frame-scanner.js';
import type { FrameParser } from '../serial/frame-parser.js';

/**
 * CJ/T 188-2004 link layer (edge/drivers/cjt188/README.md, frame):
 *   [FE x 2-4] 68 T A0 A1 A2 A3 A4 A5 A6 C L DATA(L) CS 16
 * T the meter type, A0..A6 low byte first, no data offset (unlike DL/T 645), CS = sum mod 256 from
 * 68 through the last DATA byte. Multi-byte fields are low byte first.
 */
export interface Cjt188Frame {
  meterType: number;
  /** 14 digits (or AA wildcards), most significant first: "00201510270588". */
  address: string;
  control: number;
  data: Uint8Array;
}

/** Meter types T (CJ/T 188-2004 meter type byte). */
export const METER_TYPE = {
  coldWater: 0x10,
  hotWater: 0x11,
  drinkingWater: 0x12,
  reclaimedWater: 0x13,
  heat: 0x20,
  cooling: 0x21,
  heatAndCooling: 0x22,
  gas: 0x30,
  electricity: 0x40,
} as const;

/** Control code bits: D7 direction (1 = from the meter), D6 abnormal reply, D5-D0 function. */
export const CONTROL_REPLY = 0x80;
export const CONTROL_ABNORMAL = 0x40;
export const CONTROL_FUNCTION_MASK = 0x3f;
export const CJT188_FUNCTION = { readData: 0x01, readAddress: 0x03, writeData: 0x04 } as const;

/** CJ/T 188-2004 asks for 2-4 FE before a frame; 0 serves meters that mind them. */
export const DEFAULT_CJT188_PREAMBLE_COUNT = 4;
export const MAX_CJT188_PREAMBLE_COUNT = 4;
/** Read replies carry L <= 0x64 (CJ/T 188-2004 length L; writes L <= 0x32). */
export const MAX_CJT188_DATA_LENGTH = 0x64;
/** Header bytes: 68, T, seven address bytes, C, L. */
export const CJT188_HEADER_LENGTH = 11;

export function buildCjt188Frame(frame: Cjt188Frame, preambleCount = 0): Uint8Array {
  if (frame.data.length > 0xff) throw new RangeError(`CJ/T 188 DATA of ${frame.data.length} bytes does not fit L`);
  const address = addressToWire(frame.address);
  if (address.length !== 7) throw new RangeError(`CJ/T 188 address "${frame.address}" is not 14 digits`);
  const bytes = new Uint8Array(preambleCount + CJT188_HEADER_LENGTH + frame.data.length + 2);
  bytes.fill(PREAMBLE_BYTE, 0, preambleCount);
  let at = preambleCount;
  bytes[at++] = FRAME_START;
  bytes[at++] = frame.meterType;
  bytes.set(address, at);
  at += 7;
  bytes[at++] = frame.control;
  bytes[at++] = frame.data.length;
  bytes.set(frame.data, at);
  at += frame.data.length;
  bytes[at] = sum8(bytes, preambleCount, at);
  bytes[at + 1] = FRAME_END;
  return bytes;
}

const PARSERS = directedFrameParsers({
  headerLength: CJT188_HEADER_LENGTH,
  maxDataLength: MAX_CJT188_DATA_LENGTH,
  controlOffset: 9,
});
const ANY_LAYOUT = PARSERS.any;

/** The master's parser: meter replies (D7 = 1), skipping FE, noise and an echo of the request. */
export const cjt188ReplyParser: FrameParser = PARSERS.replies;
/** A meter's parser (emulators): master requests (D7 = 0). */
export const cjt188RequestParser: FrameParser = PARSERS.requests;

/** Decodes one frame, FE and noise before it allowed; bad checksum -> BusError('checksum'). */
export function parseCjt188Frame(bytes: Uint8Array): Cjt188Frame {
  const scan = scanSumFrame(bytes, ANY_LAYOUT);
  if (scan.status === 'corrupt') throw new BusError('checksum', `CJ/T 188 frame: ${scan.reason}`);
  if (scan.status === 'partial') throw new BusError('malformed', `CJ/T 188: no complete frame in ${bytes.length} bytes`);
  const frame = bytes.subarray(scan.start, scan.end);
  return {
    meterType: frame[1] ?? 0,
    address: addressFromWire(frame.subarray(2, 9)),
    control: frame[9] ?? 0,
    data: frame.slice(CJT188_HEADER_LENGTH, frame.length - 2),
  };
}
