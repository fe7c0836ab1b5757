/**
 * Hex text for frames, as the drivers' READMEs write them ("68 12 90 78 56 34 12 68 ..."): for test
 * vectors, log lines and error messages.
 */

/** "68 12 90" or "681290" -> bytes; throws on an odd digit count or a non-hex character. */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(digits)) throw new Error(`not a hex byte string: "${text}"`);
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** bytes -> "68 12 90" (upper case, space separated). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, hexByte).join(' ');
}

/** 0x2c -> "2C". */
export function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
