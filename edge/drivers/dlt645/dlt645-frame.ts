import { BusError } from '../../bus/bus-error.js';
import { addressFromWire, addressToWire } from '../frame-codec/bcd-address.js';
import { sum8 } from '../frame-codec/checksum.js';
import { FRAME_END, FRAME_START, PREAMBLE_BYTE, directedFrameParsers, scanSumFrame } from '../frame-codec/sum-frame-scanner.js';
import type { FrameParser } from '../serial/frame-parser.js';

/**
 * DL/T 645-2007 data link layer (frame format; edge/drivers/dlt645/README.md, frame):
 *   [FE x n] 68 A0 A1 A2 A3 A4 A5 68 C L DATA(L) CS 16
 * A0..A5 low byte first; every DATA byte +0x33 on the wire; CS = sum mod 256 from the first 68
 * through the last DATA byte. Frames here carry DATA as meant (offset removed); the offset is
 * applied only when bytes go on or come off the wire.
 */
export interface Dlt645Frame {
  /** 12 digits (or AA wildcards), most significant first: "123456789012". */
  address: string;
  control: number;
  /** DATA without the +0x33 offset. */
  data: Uint8Array;
}

/** Control code bits (DL/T 645-2007 control code C): D7 direction, D6 abnormal reply, D5 follow-up frame exists. */
export const CONTROL_REPLY = 0x80;
export const CONTROL_ABNORMAL = 0x40;
export const CONTROL_FOLLOW_UP = 0x20;
export const CONTROL_FUNCTION_MASK = 0x1f;

/** Function codes used here (edge/drivers/dlt645/README.md, functions). */
export const DLT645_FUNCTION = {
  broadcastTimeSync: 0x08,
  read: 0x11,
  readFollowUp: 0x12,
  readAddress: 0x13,
} as const;

/** Added to every DATA byte on send, subtracted on receive. */
export const DATA_OFFSET = 0x33;
/** FE bytes sent before a request to wake the meter (DL/T 645-2007 preamble); profiles may send 0-4. */
export const DEFAULT_DLT645_PREAMBLE_COUNT = 4;
export const MAX_DLT645_PREAMBLE_COUNT = 4;
/** Longest DATA of a read reply (DL/T 645-2007 length L: read L <= 200, write L <= 50). */
export const MAX_DLT645_DATA_LENGTH = 200;
/** Header bytes: 68, six address bytes, 68, C, L. */
export const DLT645_HEADER_LENGTH = 10;

export function withOffset(data: Uint8Array): Uint8Array {
  return data.map((byte) => (byte + DATA_OFFSET) & 0xff);
}

export function withoutOffset(data: Uint8Array): Uint8Array {
  return data.map((byte) => (byte - DATA_OFFSET) & 0xff);
}

/** The wire bytes of a frame, with `preambleCount` FE bytes in front. */
export function buildDlt645Frame(frame: Dlt645Frame, preambleCount = 0): Uint8Array {
  if (frame.data.length > 0xff) throw new RangeError(`DL/T 645 DATA of ${frame.data.length} bytes does not fit L`);
  const address = addressToWire(frame.address);
  if (address.length !== 6) throw new RangeError(`DL/T 645 address "${frame.address}" is not 12 digits`);
  const bytes = new Uint8Array(preambleCount + DLT645_HEADER_LENGTH + frame.data.length + 2);
  bytes.fill(PREAMBLE_BYTE, 0, preambleCount);
  let at = preambleCount;
  bytes[at++] = FRAME_START;
  bytes.set(address, at);
  at += 6;
  bytes[at++] = FRAME_START;
  bytes[at++] = frame.control;
  bytes[at++] = frame.data.length;
  bytes.set(withOffset(frame.data), at);
  at += frame.data.length;
  bytes[at] = sum8(bytes, preambleCount, at);
  bytes[at + 1] = FRAME_END;
  return bytes;
}

const PARSERS = directedFrameParsers({
  headerLength: DLT645_HEADER_LENGTH,
  maxDataLength: MAX_DLT645_DATA_LENGTH,
  controlOffset: 8,
  // The second 68 at offset 7 is what tells a frame from noise that happens to contain 68.
  acceptsHeader: (header) => header[7] === FRAME_START,
});
const ANY_LAYOUT = PARSERS.any;

/** The master's parser: finds meter replies (D7 = 1), skipping FE, noise and an echo of the request. */
export const dlt645ReplyParser: FrameParser = PARSERS.replies;
/** A meter's parser (emulators): finds master requests (D7 = 0). */
export const dlt645RequestParser: FrameParser = PARSERS.requests;

/**
 * Decodes one frame, FE preamble and leading noise allowed. A bad checksum or end byte is
 * BusError('checksum'); bytes that hold no whole frame are BusError('malformed').
 */
export function parseDlt645Frame(bytes: Uint8Array): Dlt645Frame {
  const scan = scanSumFrame(bytes, ANY_LAYOUT);
  if (scan.status === 'corrupt') throw new BusError('checksum', `DL/T 645 frame: ${scan.reason}`);
  if (scan.status === 'partial') throw new BusError('malformed', `DL/T 645: no complete frame in ${bytes.length} bytes`);
  const frame = bytes.subarray(scan.start, scan.end);
  return {
    address: addressFromWire(frame.subarray(1, 7)),
    control: frame[8] ?? 0,
    data: withoutOffset(frame.subarray(DLT645_HEADER_LENGTH, frame.length - 2)),
  };
}
