import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { PacketSizeScanner } from './packet-size-scanner.js';

/**
 * Room a PUBLISH packet needs beside its payload [MQTT-3.3]: the fixed header (1 byte + a Remaining
 * Length of at most 4 bytes, MQTT-2.2.3), the topic's 2-byte length and the topic, and the 2-byte
 * packet identifier. 2 KiB holds any topic the product uses: a device topic is at most 256
 * characters (at most 1,024 bytes of UTF-8), a wire-contract topic at most 90 bytes.
 */
export const PUBLISH_HEADROOM_BYTES = 2048;

/** The largest packet a broker accepts when the largest legitimate payload is maxPayloadBytes. */
export function maxPacketBytesFor(maxPayloadBytes: number): number {
  return maxPayloadBytes + PUBLISH_HEADROOM_BYTES;
}

/**
 * The socket as aedes reads it, cut off at the first packet larger than maxBytes: the socket is
 * destroyed and onOversize told the packet's size, so its body never reaches the broker's parser.
 * aedes 1.x has no limit of its own (moscajs/aedes#831; its maximumPacketSize arrives with the
 * MQTT 5 work of aedes 2); MQTT 3.1.1 has no way to tell the client why [MQTT-3.3.5], the
 * connection is simply closed, as Mosquitto does with max_packet_size.
 */
export function limitPacketSize(socket: Socket, maxBytes: number, onOversize: (packetBytes: number) => void): Duplex {
  const scanner = new PacketSizeScanner(maxBytes);
  const guarded = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, encoding, callback) {
      if (socket.write(chunk, encoding)) callback();
      else socket.once('drain', () => callback());
    },
    final(callback) {
      socket.end(() => callback());
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    const oversize = scanner.scan(chunk);
    if (oversize !== null) {
      onOversize(oversize);
      guarded.destroy();
      return;
    }
    if (!guarded.push(chunk)) socket.pause();
  });
  socket.on('end', () => guarded.push(null));
  socket.on('error', (error) => guarded.destroy(error));
  socket.on('close', () => guarded.destroy());
  return guarded;
}
