/**
 * The checksum of DL/T 645-2007 and CJ/T 188-2004 frames: the arithmetic sum, mod 256, of every byte
 * from the first 0x68 through the last DATA byte; FE preamble bytes are not included
 * (the CS field of both; edge/drivers/dlt645/README.md, edge/drivers/cjt188/README.md).
 * Example (DL/T 645 read address): 68 + 6 x AA + 68 + 13 + 00 = 0x4DF -> CS 0xDF.
 */
export function sum8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + (bytes[i] ?? 0)) & 0xff;
  return sum;
}
