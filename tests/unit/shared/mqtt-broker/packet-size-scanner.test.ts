import { describe, expect, it } from 'vitest';
import { PacketSizeScanner } from '../../../../shared/mqtt-broker/packet-size-scanner.js';

/** MQTT's variable byte integer [MQTT-2.2.3]: 7 bits a byte, least significant first. */
function remainingLength(value: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

/** The fixed header of an MQTT 3.1.1 QoS 1 PUBLISH with this much after it [MQTT-3.3.1]. */
const publishHeader = (remaining: number): Buffer => Buffer.concat([Buffer.from([0x32]), remainingLength(remaining)]);

/** A whole QoS 1 PUBLISH on a short topic: topic length, topic, packet id, payload [MQTT-3.3.2]. */
function publish(payloadBytes: number): Buffer {
  const topic = Buffer.from('estate/b1/lift-a');
  const body = Buffer.concat([Buffer.from([0, topic.length]), topic, Buffer.from([0, 7]), Buffer.alloc(payloadBytes, 'x')]);
  return Buffer.concat([publishHeader(body.length), body]);
}

const pingreq = (): Buffer => Buffer.from([0xc0, 0x00]);

/** Feeds the bytes in chunks of the given sizes (the last chunk takes the rest); the first report wins. */
function scanInChunks(scanner: PacketSizeScanner, bytes: Buffer, chunkSizes: number[]): number | null {
  let offset = 0;
  for (const size of [...chunkSizes, bytes.length]) {
    if (offset >= bytes.length) break;
    const found = scanner.scan(bytes.subarray(offset, offset + size));
    if (found !== null) return found;
    offset += size;
  }
  return null;
}

describe('the packet size scanner in front of the embedded brokers', () => {
  it('lets packets up to the limit through, however TCP splits them, and reports the first one over it', () => {
    const atLimit = publish(1000);
    const limit = atLimit.length;
    const stream = Buffer.concat([pingreq(), atLimit, pingreq(), atLimit, publish(1001), pingreq()]);
    for (const chunks of [[stream.length], [1, 1, 1, 1, 1], [3, 700, 2], [limit + 1, 1, 1]]) {
      expect(scanInChunks(new PacketSizeScanner(limit), stream, chunks)).toBe(limit + 1);
    }
    expect(scanInChunks(new PacketSizeScanner(limit), Buffer.concat([atLimit, pingreq(), atLimit]), [2, 1, 1])).toBeNull();
  });

  it('reports a packet by its header alone, before its body arrives', () => {
    const header = publishHeader(200 * 1024 * 1024); // the 200 MB publish that grew a gateway by 400 MB
    expect(new PacketSizeScanner(264_192).scan(header)).toBe(header.length + 200 * 1024 * 1024);
  });

  it('refuses a Remaining Length of more than four bytes as malformed [MQTT-2.2.3]', () => {
    expect(new PacketSizeScanner(264_192).scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(Number.POSITIVE_INFINITY);
  });
});
