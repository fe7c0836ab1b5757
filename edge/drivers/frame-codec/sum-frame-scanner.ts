import type { FrameParser, FrameScan } from '../serial/frame-parser.js';
import { hexByte } from './hex.js';
import { sum8 } from './checksum.js';

/**
 * Finds frames of the shape both DL/T 645-2007 and CJ/T 188-2004 use in a stream of received bytes:
 *   68 <fixed header> L DATA(L bytes) CS 16
 * DL/T 645: 68 A0..A5 68 C L (header 10 bytes, edge/drivers/dlt645/README.md); CJ/T 188: 68 T
 * A0..A6 C L (header 11 bytes, edge/drivers/cjt188/README.md). Bytes before a frame (FE wake-up
 * preamble, line noise, an echo of our own request on an RS-485 adapter) are skipped: every 0x68 is
 * a candidate start, and the layout rejects headers that cannot be a frame of its protocol and
 * direction.
 */
export const FRAME_START = 0x68;
export const FRAME_END = 0x16;
/** The wake-up byte sent before a frame (the preamble of DL/T 645-2007 and CJ/T 188-2004). */
export const PREAMBLE_BYTE = 0xfe;

export interface SumFrameLayout {
  /** Bytes from the start 0x68 through L; L is the last of them. */
  headerLength: number;
  /** Longest DATA a frame of this protocol carries (DL/T 645 read: 200; CJ/T 188 read: 0x64). */
  maxDataLength: number;
  /** Whether a header (headerLength bytes from a 0x68) can begin a frame we expect. */
  acceptsHeader(header: Uint8Array): boolean;
}

/** Bytes of a whole frame with L data bytes: header + DATA + CS + 16. */
export function sumFrameLength(layout: SumFrameLayout, dataLength: number): number {
  return layout.headerLength + dataLength + 2;
}

/**
 * One scan of the bytes received so far:
 * - the first complete candidate with a good checksum and end byte is the frame;
 * - a complete candidate that ends in 0x16 but fails its checksum is a garbled frame: 'corrupt' at once;
 * - a candidate without 0x16 where L puts it is most likely noise that happened to contain 0x68, so
 *   later candidates (inside it) are still tried; if nothing else can become a frame, it is reported
 *   as 'corrupt';
 * - otherwise 'partial', keeping bytes from the first candidate that may still grow into a frame.
 */
export function scanSumFrame(bytes: Uint8Array, layout: SumFrameLayout): FrameScan {
  let keepFrom: number | undefined;
  let unterminated: { end: number; reason: string } | undefined;
  for (let start = bytes.indexOf(FRAME_START); start >= 0; start = bytes.indexOf(FRAME_START, start + 1)) {
    const available = bytes.length - start;
    if (available < layout.headerLength) {
      keepFrom ??= start;
      continue;
    }
    const header = bytes.subarray(start, start + layout.headerLength);
    const dataLength = header[layout.headerLength - 1] ?? 0;
    if (dataLength > layout.maxDataLength || !layout.acceptsHeader(header)) continue;
    const total = sumFrameLength(layout, dataLength);
    if (available < total) {
      keepFrom ??= start;
      continue;
    }
    const csIndex = start + total - 2;
    const expected = sum8(bytes, start, csIndex);
    const received = bytes[csIndex] ?? 0;
    if (bytes[start + total - 1] !== FRAME_END) {
      unterminated ??= { end: start + total, reason: `no end byte 16 after ${dataLength} data bytes (got ${hexByte(bytes[start + total - 1] ?? 0)})` };
      continue;
    }
    if (received === expected) return { status: 'frame', start, end: start + total };
    return { status: 'corrupt', end: start + total, reason: `checksum ${hexByte(received)}, computed ${hexByte(expected)}` };
  }
  if (keepFrom !== undefined) return { status: 'partial', keepFrom };
  if (unterminated) return { status: 'corrupt', ...unterminated };
  return { status: 'partial', keepFrom: bytes.length };
}

/** D7 of the control byte: 0 a master's request, 1 a slave's reply (DL/T 645 3.1, CJ/T 188 4.1). */
const CONTROL_REPLY_BIT = 0x80;

/** The three parsers a sum-frame protocol needs: the master's (replies), a meter's (requests), either. */
export interface DirectedFrameParsers {
  replies: FrameParser;
  requests: FrameParser;
  any: SumFrameLayout;
}

/**
 * Builds the parsers of a protocol from its header shape: the control byte's offset tells replies
 * from requests, and `acceptsHeader` adds the protocol's own sanity check of a header.
 */
export function directedFrameParsers(shape: {
  headerLength: number;
  maxDataLength: number;
  controlOffset: number;
  acceptsHeader?: (header: Uint8Array) => boolean;
}): DirectedFrameParsers {
  const layout = (direction: 'request' | 'reply' | 'any'): SumFrameLayout => ({
    headerLength: shape.headerLength,
    maxDataLength: shape.maxDataLength,
    acceptsHeader(header) {
      if (shape.acceptsHeader && !shape.acceptsHeader(header)) return false;
      const isReply = ((header[shape.controlOffset] ?? 0) & CONTROL_REPLY_BIT) !== 0;
      return direction === 'any' || (direction === 'reply') === isReply;
    },
  });
  const replies = layout('reply');
  const requests = layout('request');
  return {
    replies: (bytes) => scanSumFrame(bytes, replies),
    requests: (bytes) => scanSumFrame(bytes, requests),
    any: layout('any'),
  };
}
