import { bytesLowByteFirst, digitsLowByteFirst } from './bcd.js';

/**
 * BCD numbers with an implied decimal point, written as DL/T 645-2007 writes data formats:
 * "XXXXXX.XX" is 8 digits in 4 bytes with 2 decimals (edge/drivers/dlt645/README.md, data
 * identifiers; CJ/T 188 volumes use the same format). Bytes travel low byte first. A signed item
 * keeps its sign in bit 7 of the most significant byte (0 positive, 1 negative), the magnitude in the
 * remaining digits (DL/T 645-2007 data formats, as 600888/dlt645 and libdlt645 decode them).
 *
 * Example (edge/drivers/dlt645/README.md, worked frames; P = -0.4567 kW, XX.XXXX signed):
 *   67 45 80 (after -0x33) -> reversed 80 45 67 -> bit 7 set: negative,
 *   00 45 67 -> 00.4567 -> -0.4567.
 */
export interface BcdFormat {
  /** As written in the profile, e.g. "XXX.XXX". */
  text: string;
  integerDigits: number;
  decimals: number;
  /** Bytes on the wire: the digits rounded up to whole bytes ("XXX.X" -> 2). */
  byteLength: number;
}

export const BCD_FORMAT_PATTERN = /^X+(?:\.X+)?$/;
/** Digits of the longest format we read; 9 007 199 254 740 991 has 16 digits, so 14 stay exact. */
export const MAX_BCD_FORMAT_DIGITS = 14;

/** "XXXXXX.XX" -> { integerDigits: 6, decimals: 2, byteLength: 4 }; throws naming what is wrong. */
export function parseBcdFormat(text: string): BcdFormat {
  if (!BCD_FORMAT_PATTERN.test(text)) throw new Error(`format "${text}" is not of the form XXX.XX`);
  const [integerPart = '', decimalPart = ''] = text.split('.');
  const digits = integerPart.length + decimalPart.length;
  if (digits > MAX_BCD_FORMAT_DIGITS) throw new Error(`format "${text}" has ${digits} digits; at most ${MAX_BCD_FORMAT_DIGITS} are read exactly`);
  return { text, integerDigits: integerPart.length, decimals: decimalPart.length, byteLength: Math.ceil(digits / 2) };
}

/**
 * Low-byte-first BCD bytes (already without any +0x33 offset) -> number. Throws a RangeError when
 * the byte count does not fit the format or a nibble is not a decimal digit.
 */
export function decodeBcdNumber(bytes: Uint8Array, format: BcdFormat, signed: boolean): number {
  if (bytes.length !== format.byteLength) {
    throw new RangeError(`format ${format.text} takes ${format.byteLength} bytes, got ${bytes.length}`);
  }
  const magnitudeBytes = Uint8Array.from(bytes);
  let negative = false;
  if (signed) {
    const top = magnitudeBytes.length - 1;
    negative = ((magnitudeBytes[top] ?? 0) & 0x80) !== 0;
    magnitudeBytes[top] = (magnitudeBytes[top] ?? 0) & 0x7f;
  }
  const digits = digitsLowByteFirst(magnitudeBytes);
  if (!/^\d+$/.test(digits)) throw new RangeError(`${digits} is not BCD (format ${format.text})`);
  const magnitude = Number.parseInt(digits, 10) / 10 ** format.decimals;
  return negative && magnitude !== 0 ? -magnitude : magnitude;
}

/** The reverse, for meter emulators: rounds to the format's decimals; throws a RangeError when out of range. */
export function encodeBcdNumber(value: number, format: BcdFormat, signed: boolean): Uint8Array {
  if (!Number.isFinite(value)) throw new RangeError(`${value} cannot be sent as BCD`);
  if (value < 0 && !signed) throw new RangeError(`${value} is negative but format ${format.text} is unsigned`);
  const magnitude = Math.round(Math.abs(value) * 10 ** format.decimals);
  const digits = magnitude.toString().padStart(2 * format.byteLength, '0');
  const bytes = bytesLowByteFirst(digits);
  const top = bytes.length - 1;
  // Signed: bit 7 of the top byte is the sign, so its high digit stays below 8 (XX.XXXX: 79.9999).
  const formatLimit = 10 ** (format.integerDigits + format.decimals);
  const limit = signed ? Math.min(formatLimit, 8 * 10 ** (2 * format.byteLength - 1)) : formatLimit;
  if (digits.length > 2 * format.byteLength || magnitude >= limit) throw new RangeError(`${value} does not fit format ${format.text}${signed ? ' (signed)' : ''}`);
  if (signed && value < 0 && magnitude !== 0) bytes[top] = (bytes[top] ?? 0) | 0x80;
  return bytes;
}
