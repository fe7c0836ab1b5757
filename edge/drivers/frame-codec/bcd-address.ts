import { bytesLowByteFirst, digitsLowByteFirst } from './bcd.js';

/**
 * Meter addresses as both meter protocols carry them: N decimal digits, two per byte, LOW BYTE
 * FIRST on the wire. DL/T 645: 12 digits in 6 bytes, meter 123456789012 -> 12 90 78 56 34 12
 * (edge/drivers/dlt645/README.md). CJ/T 188: 14 digits in 7 bytes, meter 00201510270588 ->
 * 88 05 27 10 15 20 00 (edge/drivers/cjt188/README.md). Addresses are kept as the digit string
 * printed on the nameplate, most significant first.
 */

/** Checks a configured address; throws an Error naming the problem. Returns the digits. */
export function parseBcdAddress(text: string, digits: number, protocol: string): string {
  if (typeof text !== 'string') throw new Error(`${protocol} address must be a string of ${digits} digits`);
  if (text.length !== digits) {
    throw new Error(`${protocol} address "${text}" has ${text.length} characters; it must be the ${digits}-digit meter number (pad with leading zeros)`);
  }
  if (!/^\d+$/.test(text)) {
    const bad = [...text].find((c) => c < '0' || c > '9');
    throw new Error(`${protocol} address "${text}" contains "${bad}"; only the digits 0-9 are allowed (no wildcards for a polled meter)`);
  }
  return text;
}

/** "123456789012" -> 12 90 78 56 34 12. Wildcard digits (AA) pass through as bytes 0xAA. */
export function addressToWire(address: string): Uint8Array {
  return bytesLowByteFirst(address);
}

/** 12 90 78 56 34 12 -> "123456789012"; a wildcard byte shows as "AA". */
export function addressFromWire(bytes: Uint8Array): string {
  return digitsLowByteFirst(bytes);
}
