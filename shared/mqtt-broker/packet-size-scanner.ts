/**
 * Follows the packets of one MQTT byte stream by their fixed headers [MQTT-2.2]: a type-and-flags
 * byte, then the Remaining Length, a variable byte integer of 1 to 4 bytes (7 bits each, least
 * significant group first, high bit set on all but the last). It reports a packet that would be
 * larger than the limit as soon as its length is known, before any of its body is buffered.
 */
export class PacketSizeScanner {
  /** Bytes still to skip of the current packet's body. */
  private bodyLeft = 0;
  /** Bytes read so far of the current packet's fixed header; 0 between packets. */
  private headerBytes = 0;
  private remainingLength = 0;

  constructor(private readonly maxBytes: number) {}

  /** The size of the first packet in this chunk that exceeds the limit, or null if none does. */
  scan(chunk: Buffer): number | null {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const skipped = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= skipped;
        offset += skipped;
        continue;
      }
      const byte = chunk[offset++]!;
      if (this.headerBytes === 0) {
        this.headerBytes = 1; // type and flags
        this.remainingLength = 0;
        continue;
      }
      this.remainingLength += (byte & 0x7f) * 128 ** (this.headerBytes - 1);
      this.headerBytes++;
      const lengthDone = (byte & 0x80) === 0;
      // A fifth length byte is malformed [MQTT-2.2.3]: refuse it like a packet too large.
      if (!lengthDone && this.headerBytes > 4) return Number.POSITIVE_INFINITY;
      if (!lengthDone) continue;
      const packetBytes = this.headerBytes + this.remainingLength;
      if (packetBytes > this.maxBytes) return packetBytes;
      this.bodyLeft = this.remainingLength;
      this.headerBytes = 0;
    }
    return null;
  }
}
