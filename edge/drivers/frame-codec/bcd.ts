/**
 * Packed BCD as DL/T 645-2007 and CJ/T 188-2004 carry numbers and addresses: two decimal digits per
 * byte, high digit in the high nibble, multi-byte fields sent LOW BYTE FIRST (both standards'
 * transmission order; edge/drivers/dlt645/README.md, edge/drivers/cjt188/README.md). Example: the
 * number 00123456 travels as 56 34 12 00.
 */

/** Whether both nibbles of a byte are decimal digits (0x00-0x99). */
export function isBcdByte(byte: number): boolean {
  return (byte & 0x0f) <= 9 && byte >> 4 <= 9;
}

/** 0x56 -> 56; throws a RangeError on a nibble above 9 (0x5A). */
export function bcdByteToNumber(byte: number): number {
  if (!isBcdByte(byte)) throw new RangeError(`0x${byte.toString(16).padStart(2, '0')} is not a BCD byte`);
  return (byte >> 4) * 10 + (byte & 0x0f);
}

/** 56 -> 0x56, for 0-99. */
export function numberToBcdByte(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 99) throw new RangeError(`${value} does not fit one BCD byte`);
  return (Math.floor(value / 10) << 4) | value % 10;
}

/**
 * The hex digits of a low-byte-first field, most significant first: 56 34 12 00 -> "00123456".
 * For BCD bytes these are the decimal digits; a wildcard byte AA shows as "AA".
 */
export function digitsLowByteFirst(bytes: Uint8Array): string {
  let digits = '';
  for (let i = bytes.length - 1; i >= 0; i--) digits += (bytes[i] ?? 0).toString(16).toUpperCase().padStart(2, '0');
  return digits;
}

/** The reverse of digitsLowByteFirst: "00123456" -> 56 34 12 00. Digits may be 0-9 and A-F (wildcards). */
export function bytesLowByteFirst(digits: string): Uint8Array {
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(digits)) throw new RangeError(`"${digits}" is not an even number of hex digits`);
  const count = digits.length / 2;
  const bytes = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const from = digits.length - 2 * (i + 1);
    bytes[i] = Number.parseInt(digits.slice(from, from + 2), 16);
  }
  return bytes;
}
