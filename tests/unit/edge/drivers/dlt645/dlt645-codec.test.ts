import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../../edge/drivers/frame-codec/hex.js';
import { decodeBcdNumber, encodeBcdNumber, parseBcdFormat } from '../../../../../edge/drivers/frame-codec/bcd-number.js';
import { buildDlt645Frame, parseDlt645Frame } from '../../../../../edge/drivers/dlt645/dlt645-frame.js';
import { dataIdFromBytes } from '../../../../../edge/drivers/dlt645/dlt645-data-id.js';
import {
  abnormalReply,
  broadcastTimeSyncRequest,
  readAddressReply,
  readAddressRequest,
  readFollowUpReply,
  readReply,
  readRequest,
} from '../../../../../edge/drivers/dlt645/dlt645-messages.js';
import { runDlt645Transaction } from '../../../../../edge/drivers/dlt645/dlt645-transaction.js';
import { parseDlt645Address } from '../../../../../edge/drivers/dlt645/dlt645-address.js';
import type { FrameExchange, FrameRequest } from '../../../../../edge/drivers/serial/serial-frame-link.js';
import { expectBusError } from '../../../../drivers/expect-bus-error.js';

/** Every worked frame of edge/drivers/dlt645/README.md, built and parsed. Meter 123456789012 -> wire 12 90 78 56 34 12. */
const METER = '123456789012';

/** Decodes the value bytes of a reply frame (after the DI) in a format. */
function replyValue(hex: string, format: string, signed = false): number {
  const frame = parseDlt645Frame(fromHex(hex));
  return decodeBcdNumber(frame.data.subarray(4), parseBcdFormat(format), signed);
}

/** An exchange that records the requests and answers each with the next of `replies`. */
function scriptedExchange(...replies: string[]): { exchange: FrameExchange; sent: FrameRequest[] } {
  const sent: FrameRequest[] = [];
  const exchange: FrameExchange = async (request) => {
    sent.push(request);
    if (!request.expectReply) return new Uint8Array(0);
    const next = replies.shift();
    if (next === undefined) throw new Error('no scripted reply left');
    return fromHex(next);
  };
  return { exchange, sent };
}

describe('DL/T 645-2007 requests (edge/drivers/dlt645/README.md, worked frames)', () => {
  it.each([
    ['forward active total', '00010000', 'FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16'],
    ['combined active total', '00000000', 'FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 33 33 67 16'],
    ['phase-A voltage', '02010100', 'FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 34 34 35 6B 16'],
    ['phase-A current', '02020100', 'FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 34 35 35 6C 16'],
    ['total active power', '02030000', 'FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 36 35 6C 16'],
  ])('read %s (DI %s) with 4 FE', (_what, di, wire) => {
    expect(toHex(buildDlt645Frame(readRequest(METER, di), 4))).toBe(wire);
    // and back: address, function, DI
    const parsed = parseDlt645Frame(fromHex(wire));
    expect(parsed).toMatchObject({ address: METER, control: 0x11 });
    expect(dataIdFromBytes(parsed.data)).toBe(di);
  });

  it('read address to the all-AA wildcard: FE x4 68 AA..AA 68 13 00 DF 16', () => {
    expect(toHex(buildDlt645Frame(readAddressRequest(), 4))).toBe('FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16');
  });

  it('broadcast time sync 0x08 to 99..99, data ss mm hh DD MM YY = 25 11 02 12 34 56 (+0x33 -> 58 44 35 45 67 89)', () => {
    // The vector's "month" 34 is a test pattern, not a date: the codec sends the fields as given.
    const frame = broadcastTimeSyncRequest({ second: 25, minute: 11, hour: 2, day: 12, month: 34, year: 2056 });
    expect(toHex(buildDlt645Frame(frame, 4))).toBe('FE FE FE FE 68 99 99 99 99 99 99 68 08 06 58 44 35 45 67 89 7A 16');
  });

  it('more independent real-world requests', () => {
    expect(toHex(buildDlt645Frame(readRequest('000000000161', '00010000')))).toBe('68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16');
    expect(toHex(buildDlt645Frame(readRequest('202107072529', '00000000')))).toBe('68 29 25 07 07 21 20 68 11 04 33 33 33 33 4E 16');
  });
});

describe('DL/T 645-2007 replies (edge/drivers/dlt645/README.md, worked frames)', () => {
  it('1234.56 kWh: 89 67 45 33 - 33 -> 56 34 12 00 -> 001234.56', () => {
    const wire = '68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16';
    expect(replyValue(wire, 'XXXXXX.XX')).toBe(1234.56);
    const value = encodeBcdNumber(1234.56, parseBcdFormat('XXXXXX.XX'), false);
    expect(toHex(buildDlt645Frame(readReply(METER, '00010000', value)))).toBe(wire);
  });

  it('the public C# test vector with 2 FE decodes the same', () => {
    expect(replyValue('FE FE 68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16', 'XXXXXX.XX')).toBe(1234.56);
  });

  it('220.1 V: 34 55 - 33 -> 01 22 -> 220.1 (XXX.X)', () => {
    const wire = '68 12 90 78 56 34 12 68 91 06 33 34 34 35 34 55 76 16';
    expect(replyValue(wire, 'XXX.X')).toBe(220.1);
    expect(toHex(buildDlt645Frame(readReply(METER, '02010100', encodeBcdNumber(220.1, parseBcdFormat('XXX.X'), false))))).toBe(wire);
  });

  it('1.234 A: 67 45 33 - 33 -> 34 12 00 -> 001.234 (XXX.XXX signed)', () => {
    const wire = '68 12 90 78 56 34 12 68 91 07 33 34 35 35 67 45 33 CE 16';
    expect(replyValue(wire, 'XXX.XXX', true)).toBe(1.234);
    expect(toHex(buildDlt645Frame(readReply(METER, '02020100', encodeBcdNumber(1.234, parseBcdFormat('XXX.XXX'), true))))).toBe(wire);
  });

  it('0.4567 kW: 9A 78 33 - 33 -> 67 45 00 -> 00.4567 (XX.XXXX signed)', () => {
    const wire = '68 12 90 78 56 34 12 68 91 07 33 33 36 35 9A 78 33 34 16';
    expect(replyValue(wire, 'XX.XXXX', true)).toBe(0.4567);
    expect(toHex(buildDlt645Frame(readReply(METER, '02030000', encodeBcdNumber(0.4567, parseBcdFormat('XX.XXXX'), true))))).toBe(wire);
  });

  it('-0.4567 kW: 9A 78 B3 - 33 -> 67 45 80 -> bit 7 of the top byte set: negative 00.4567', () => {
    const wire = '68 12 90 78 56 34 12 68 91 07 33 33 36 35 9A 78 B3 B4 16';
    expect(replyValue(wire, 'XX.XXXX', true)).toBe(-0.4567);
    expect(toHex(buildDlt645Frame(readReply(METER, '02030000', encodeBcdNumber(-0.4567, parseBcdFormat('XX.XXXX'), true))))).toBe(wire);
    // Read as unsigned, the sign bit makes the top nibble 8: 80 45 67 -> 80.4567, which is why `signed` matters.
    expect(replyValue(wire, 'XX.XXXX', false)).toBe(80.4567);
  });

  it('abnormal reply 0xD1 with ERR 0x02 (no requested data): 35 - 33 = 02', async () => {
    const wire = '68 12 90 78 56 34 12 68 D1 01 35 8D 16';
    expect(toHex(buildDlt645Frame(abnormalReply(METER, 0x11, 0x02)))).toBe(wire);
    const { exchange } = scriptedExchange(wire);
    const error = await expectBusError(runDlt645Transaction({ kind: 'read', address: METER, di: '00010000', preambleCount: 4 }, exchange, 1000), 'exception');
    expect(error.exceptionCode).toBe(0x02);
    expect(error.message).toContain('no requested data');
  });

  it('more independent real-world replies: 0.26 kWh, 317.76 kWh, 0.04 kWh', () => {
    expect(replyValue('68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16', 'XXXXXX.XX')).toBe(0.26);
    // A9 4A 36 33 - 33 -> 76 17 03 00 -> 000317.76 (DI 00000000)
    expect(replyValue('68 29 25 07 07 21 20 68 91 08 33 33 33 33 A9 4A 36 33 2E 16', 'XXXXXX.XX', true)).toBe(317.76);
    const last = parseDlt645Frame(fromHex('68 37 03 00 92 81 39 68 91 08 33 33 34 33 37 33 33 33 8C 16'));
    expect(last.address).toBe('398192000337');
    expect(decodeBcdNumber(last.data.subarray(4), parseBcdFormat('XXXXXX.XX'), false)).toBe(0.04);
  });

  it('a frame with one bit flipped fails its checksum', async () => {
    // 1234.56 kWh reply with 89 -> 88: the sum is one less than CS 54.
    await expectBusError(() => parseDlt645Frame(fromHex('68 12 90 78 56 34 12 68 91 08 33 33 34 33 88 67 45 33 54 16')), 'checksum');
  });
});

describe('DL/T 645-2007 transactions', () => {
  it('reads a DI: request with the profile preamble, reply checked and the value bytes returned', async () => {
    const { exchange, sent } = scriptedExchange('FE FE 68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16');
    const reply = await runDlt645Transaction({ kind: 'read', address: METER, di: '00010000', preambleCount: 2 }, exchange, 1000);
    expect(toHex(sent[0]?.frame ?? new Uint8Array())).toBe('FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16');
    expect(toHex(reply.data)).toBe('56 34 12 00');
  });

  it('a reply from another address is malformed', async () => {
    const { exchange } = scriptedExchange('68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16');
    await expectBusError(runDlt645Transaction({ kind: 'read', address: METER, di: '00010000', preambleCount: 4 }, exchange, 1000), 'malformed');
  });

  it('a reply carrying another DI is malformed', async () => {
    const { exchange } = scriptedExchange('68 12 90 78 56 34 12 68 91 06 33 34 34 35 34 55 76 16');
    await expectBusError(runDlt645Transaction({ kind: 'read', address: METER, di: '00010000', preambleCount: 4 }, exchange, 1000), 'malformed');
  });

  it('0xB1 (follow-up exists) -> 0x12 with SEQ 1, 2 ... until 0x92; the parts are joined', async () => {
    const value = fromHex('01 22 02 22 03 22'); // three phase voltages 220.1 220.2 220.3 (XXX.X each)
    const first = buildDlt645Frame(readReply(METER, '0201FF00', value.subarray(0, 2), true));
    const second = buildDlt645Frame(readFollowUpReply(METER, '0201FF00', value.subarray(2, 4), 1, true));
    const third = buildDlt645Frame(readFollowUpReply(METER, '0201FF00', value.subarray(4, 6), 2, false));
    const { exchange, sent } = scriptedExchange(toHex(first), toHex(second), toHex(third));
    const reply = await runDlt645Transaction({ kind: 'read', address: METER, di: '0201FF00', preambleCount: 0 }, exchange, 1000);
    expect(toHex(reply.data)).toBe('01 22 02 22 03 22');
    expect(reply.frames).toBe(3);
    // 0x12, DATA = DI (00 FF 01 02) + SEQ 01, each +0x33
    expect(toHex(sent[1]?.frame ?? new Uint8Array())).toContain('68 12 05 33 32 34 35 34');
    expect(toHex(sent[2]?.frame ?? new Uint8Array())).toContain('68 12 05 33 32 34 35 35');
  });

  it('read address: the wildcard request, the reply carries the real address', async () => {
    const { exchange, sent } = scriptedExchange(toHex(buildDlt645Frame(readAddressReply(METER))));
    const reply = await runDlt645Transaction({ kind: 'read_address', preambleCount: 4 }, exchange, 1000);
    expect(toHex(sent[0]?.frame ?? new Uint8Array())).toBe('FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16');
    expect(reply.address).toBe(METER);
  });

  it('broadcast time sync expects no reply', async () => {
    const { exchange, sent } = scriptedExchange();
    const reply = await runDlt645Transaction(
      { kind: 'broadcast_time_sync', time: { second: 25, minute: 11, hour: 2, day: 12, month: 34, year: 2056 }, preambleCount: 4 },
      exchange,
      1000,
    );
    expect(sent[0]?.expectReply).toBe(false);
    expect(reply.frames).toBe(0);
  });
});

describe('DL/T 645 addresses', () => {
  it('accepts the 12-digit meter number', () => {
    expect(parseDlt645Address('123456789012')).toBe('123456789012');
  });

  it.each([
    ['12345678901', '11 characters'],
    ['12345678901A', 'contains "A"'],
    ['AAAAAAAAAAAA', 'contains "A"'],
    ['999999999999', 'broadcast'],
  ])('refuses %s, naming the problem (%s)', (address, problem) => {
    expect(() => parseDlt645Address(address)).toThrow(problem);
  });
});
