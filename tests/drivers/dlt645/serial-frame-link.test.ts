import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log/logger.js';
import { buildDlt645Frame, dlt645ReplyParser, dlt645RequestParser } from '../../../edge/drivers/dlt645/dlt645-frame.js';
import { readReply, readRequest } from '../../../edge/drivers/dlt645/dlt645-messages.js';
import { FrameAssembler } from '../../../edge/drivers/serial/frame-assembler.js';
import { fromHex, toHex } from '../../../edge/drivers/frame-codec/hex.js';
import { SerialFrameLink } from '../../../edge/drivers/serial/serial-frame-link.js';
import { openSerialPort, type SerialConnection } from '../../../edge/drivers/serial/serial-port.js';
import { createPtyPair, type PtyPair } from '../../support/pty-pair.js';
import { expectBusError } from '../expect-bus-error.js';

/**
 * The serial frame link against a hand-driven peer on the other end of a pty pair: stale input,
 * chunked replies, timeouts with partial bytes, close while waiting, broadcasts. DL/T 645 frames.
 */
const METER = '123456789012';
const SERIAL = { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 } as const;
const REQUEST = { frame: buildDlt645Frame(readRequest(METER, '00010000'), 4), expectReply: true };
const REPLY_1234_56 = '68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16';
const REPLY_0_26 = buildDlt645Frame(readReply(METER, '00010000', fromHex('26 00 00 00')));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('serial frame link', () => {
  let pair: PtyPair;
  let peer: SerialConnection;
  let link: SerialFrameLink;
  /** What the peer does with each request it receives. */
  let onRequest: (request: Uint8Array) => void = () => undefined;

  beforeAll(async () => {
    pair = await createPtyPair();
    const assembler = new FrameAssembler(dlt645RequestParser);
    peer = await openSerialPort(
      { path: pair.b, ...SERIAL },
      {
        data: (chunk) => {
          const result = assembler.push(chunk);
          if (result?.status === 'frame') onRequest(result.frame);
        },
        lost: () => undefined,
      },
    );
    link = new SerialFrameLink({ serial: { path: pair.a, ...SERIAL }, parser: dlt645ReplyParser, logger: silentLogger() });
    await link.open();
  });

  beforeEach(() => {
    onRequest = () => undefined;
  });

  afterAll(async () => {
    await link?.close();
    await peer?.close();
    await pair?.stop();
  });

  it('open() of a path that does not exist is a transport error', async () => {
    const missing = new SerialFrameLink({ serial: { path: '/nonexistent/tty-estatecare', ...SERIAL }, parser: dlt645ReplyParser, logger: silentLogger() });
    await expectBusError(missing.open(), 'transport');
    await expectBusError(missing.execute(REQUEST, 100), 'transport');
    await missing.close(); // safe when never opened
  });

  it('sends the request bytes as given and returns the reply frame without its preamble', async () => {
    const seen: string[] = [];
    onRequest = (request) => {
      seen.push(toHex(request));
      void peer.write(fromHex(`FE FE FE ${REPLY_1234_56}`));
    };
    const reply = await link.execute(REQUEST, 1000);
    expect(toHex(reply)).toBe(REPLY_1234_56);
    expect(seen).toEqual(['68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16']);
  });

  it('a reply that arrived before the request (stale) never answers it', async () => {
    await peer.write(fromHex(REPLY_1234_56)); // a late reply nobody asked for
    await sleep(150);
    onRequest = () => void peer.write(REPLY_0_26);
    expect(toHex(await link.execute(REQUEST, 1000))).toBe(toHex(REPLY_0_26));
  });

  it('assembles a reply sent in chunks with gaps', async () => {
    const bytes = fromHex(REPLY_1234_56);
    onRequest = async () => {
      for (const [from, to] of [[0, 3], [3, 11], [11, bytes.length]] as const) {
        await peer.write(bytes.subarray(from, to));
        await sleep(40);
      }
    };
    expect(toHex(await link.execute(REQUEST, 1000))).toBe(REPLY_1234_56);
  });

  it('a reply cut short is a timeout that shows the bytes received', async () => {
    onRequest = () => void peer.write(fromHex(REPLY_1234_56).subarray(0, 12));
    const error = await expectBusError(link.execute(REQUEST, 300), 'timeout');
    expect(error.message).toContain('incomplete: 68 12 90 78');
  });

  it('close() while waiting settles the transaction as transport; open() again works', async () => {
    const pending = expectBusError(link.execute(REQUEST, 5000), 'transport');
    await sleep(50);
    await link.close();
    await pending;
    expect(link.isOpen).toBe(false);
    await link.open();
    onRequest = () => void peer.write(fromHex(REPLY_1234_56));
    expect(toHex(await link.execute(REQUEST, 1000))).toBe(REPLY_1234_56);
  });

  it('a request that expects no reply (broadcast) resolves once written, with an empty reply', async () => {
    const reply = await link.execute({ frame: fromHex('FE FE FE FE 68 99 99 99 99 99 99 68 08 06 58 44 35 45 67 89 7A 16'), expectReply: false }, 1000);
    expect(reply.length).toBe(0);
  });
});
