import { parseBcdAddress } from '../frame-codec/bcd-address.js';

/**
 * CJ/T 188-2004 addresses: 14 BCD digits in 7 bytes A0..A6, low byte first; A5-A6 are the
 * manufacturer code (CJ/T 188-2004 address field). Meter 00201510270588 -> 88 05 27 10 15 20 00
 * (edge/drivers/cjt188/README.md, worked frames).
 */
export const CJT188_ADDRESS_DIGITS = 14;
/** All-AA address: "only for point-to-point" use, e.g. reading the address of the one meter on a line. */
export const CJT188_WILDCARD_ADDRESS = 'AAAAAAAAAAAAAA';
/** Meter type byte of a request to any meter type (read address; edge/drivers/cjt188/README.md). */
export const CJT188_ANY_METER_TYPE = 0xaa;

/** A polled meter's address: its 14-digit number, most significant digit first. Throws an Error naming the problem. */
export function parseCjt188Address(address: string): string {
  return parseBcdAddress(address, CJT188_ADDRESS_DIGITS, 'CJ/T 188');
}
