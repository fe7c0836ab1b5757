import { parseBcdAddress } from '../frame-codec/bcd-address.js';

/** DL/T 645-2007 addresses: 12 BCD digits in 6 bytes, low byte first (edge/drivers/dlt645/README.md, frame). */
export const DLT645_ADDRESS_DIGITS = 12;
/** Broadcast address: only for broadcast commands (time sync 0x08, freeze 0x16); no meter replies. */
export const DLT645_BROADCAST_ADDRESS = '999999999999';
/** All-wildcard address, for point-to-point commands to the one meter on a line, e.g. read address 0x13. */
export const DLT645_WILDCARD_ADDRESS = 'AAAAAAAAAAAA';

/**
 * A polled meter's address: its 12-digit meter number as printed on the nameplate ("123456789012").
 * Throws an Error naming the problem; the broadcast address is refused because meters never answer it.
 */
export function parseDlt645Address(address: string): string {
  const digits = parseBcdAddress(address, DLT645_ADDRESS_DIGITS, 'DL/T 645');
  if (digits === DLT645_BROADCAST_ADDRESS) {
    throw new Error(`DL/T 645 address ${digits} is the broadcast address; meters never answer it, so it cannot be polled`);
  }
  return digits;
}
