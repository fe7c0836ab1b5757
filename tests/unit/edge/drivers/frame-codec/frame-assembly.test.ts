import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../../edge/drivers/frame-codec/hex.js';
import { dlt645ReplyParser, dlt645RequestParser } from '../../../../../edge/drivers/dlt645/dlt645-frame.js';
import { FrameAssembler } from '../../../../../edge/drivers/serial/frame-assembler.js';

/**
 * The byte-level half of the serial frame link, without a port: chunks in, a frame (or a checksum
 * failure) out, noise and preamble skipped. DL/T 645 frames, whose parser the link is given.
 */
const REPLY = '68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16';
const REQUEST = 'FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16';

function feed(assembler: FrameAssembler, ...chunks: string[]) {
  let result;
  for (const chunk of chunks) {
    result = assembler.push(fromHex(chunk));
    if (result) return result;
  }
  return result;
}

describe('frame assembly (DL/T 645 reply parser)', () => {
  it('a frame in one chunk', () => {
    const result = feed(new FrameAssembler(dlt645ReplyParser), REPLY);
    expect(result?.status).toBe('frame');
    expect(result?.status === 'frame' && toHex(result.frame)).toBe(REPLY);
  });

  it('a frame split byte by byte waits until the end byte', () => {
    const assembler = new FrameAssembler(dlt645ReplyParser);
    const bytes = REPLY.split(' ');
    for (const byte of bytes.slice(0, -1)) expect(assembler.push(fromHex(byte))).toBeUndefined();
    const result = assembler.push(fromHex(bytes.at(-1) ?? ''));
    expect(result?.status === 'frame' && toHex(result.frame)).toBe(REPLY);
  });

  it('skips FE preamble and noise, including noise that contains 68', () => {
    const result = feed(new FrameAssembler(dlt645ReplyParser), 'FE FE 00 68 13 FF', '68 01 FE FE FE', REPLY);
    expect(result?.status === 'frame' && toHex(result.frame)).toBe(REPLY);
    expect(result?.skipped).toBe(11);
  });

  it('skips an echo of our own request (RS-485 adapters that echo): D7 = 0 is not a reply', () => {
    const result = feed(new FrameAssembler(dlt645ReplyParser), REQUEST, REPLY);
    expect(result?.status === 'frame' && toHex(result.frame)).toBe(REPLY);
  });

  it('the request parser (meter side) finds requests and ignores replies', () => {
    const result = feed(new FrameAssembler(dlt645RequestParser), REPLY, REQUEST);
    expect(result?.status === 'frame' && toHex(result.frame)).toBe(REQUEST.slice(12));
  });

  it('a whole frame with a wrong checksum is reported at once', () => {
    const result = feed(new FrameAssembler(dlt645ReplyParser), '68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 55 16');
    expect(result).toMatchObject({ status: 'corrupt', reason: 'checksum 55, computed 54' });
  });

  it('a frame whose length byte was garbled short has no 16 where L puts it: corrupt', () => {
    // L 08 -> 07: the byte at the end position is 54 (the CS), not 16.
    const result = feed(new FrameAssembler(dlt645ReplyParser), '68 12 90 78 56 34 12 68 91 07 33 33 34 33 89 67 45 33 54 16');
    expect(result?.status).toBe('corrupt');
  });

  it('keeps the buffer bounded on a line that only sends noise', () => {
    const assembler = new FrameAssembler(dlt645ReplyParser, 64);
    for (let i = 0; i < 100; i++) expect(assembler.push(fromHex('68 00 68 00 68 00 68 00'))).toBeUndefined();
    expect(assembler.pending.length).toBeLessThanOrEqual(64);
    // and a frame after it still comes through
    const result = assembler.push(fromHex(REPLY));
    expect(result?.status === 'frame' && toHex(result.frame)).toBe(REPLY);
  });
});
