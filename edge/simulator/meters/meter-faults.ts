/**
 * What a simulated meter can be told to do wrong, for tests of the master's error handling:
 * - dead: never answers (the master times out);
 * - abnormal: answers with an abnormal reply (DL/T 645 0xD1 ERR 0x02, CJ/T 188 0xC1 with ST);
 * - garble: one data bit flipped on the way (checksum no longer matches);
 * - bad_checksum: the checksum byte off by one;
 * - noise: line noise, 68 included, before a good reply (the master must skip it).
 */
export type MeterFault = 'none' | 'dead' | 'abnormal' | 'garble' | 'bad_checksum' | 'noise';

/** Bytes sent before the reply under 'noise': a stray 68 among them, as a line with interference produces. */
export const NOISE_BYTES = Uint8Array.of(0x00, 0x68, 0x13, 0xff, 0x55);

/**
 * Applies a transmission fault to a reply frame (68 ... CS 16, no preamble): garble flips bit 0 of
 * the last DATA byte, bad_checksum adds 1 to CS, noise prepends NOISE_BYTES.
 */
export function corruptReply(frame: Uint8Array, fault: MeterFault): Uint8Array {
  const bytes = Uint8Array.from(frame);
  const cs = bytes.length - 2;
  switch (fault) {
    case 'garble':
      bytes[cs - 1] = (bytes[cs - 1] ?? 0) ^ 0x01;
      return bytes;
    case 'bad_checksum':
      bytes[cs] = ((bytes[cs] ?? 0) + 1) & 0xff;
      return bytes;
    case 'noise':
      return Uint8Array.of(...NOISE_BYTES, ...bytes);
    default:
      return bytes;
  }
}

/** FE bytes a meter puts before its reply: 0-4, varying between replies (edge/drivers/dlt645/README.md, frame). */
export function withPreamble(frame: Uint8Array, count: number): Uint8Array {
  return Uint8Array.of(...new Array<number>(count).fill(0xfe), ...frame);
}
