import { bytesLowByteFirst, digitsLowByteFirst } from '../frame-codec/bcd.js';

/**
 * Data identifiers DI3 DI2 DI1 DI0, written as 8 hex digits ("00010000" = forward active total
 * energy) and sent DI0 first (DL/T 645-2007 transmission order; edge/drivers/dlt645/README.md):
 * "02010100" -> 00 01 01 02 (before +0x33).
 */
export const DATA_ID_LENGTH = 4;

/** "02010100" (case-insensitive) -> the 4 wire bytes, DI0 first. */
export function dataIdToBytes(di: string): Uint8Array {
  if (!/^[0-9A-Fa-f]{8}$/.test(di)) throw new Error(`data identifier "${di}" is not 8 hex digits`);
  return bytesLowByteFirst(di);
}

/** The 4 wire bytes, DI0 first -> "02010100" (upper case). */
export function dataIdFromBytes(bytes: Uint8Array): string {
  return digitsLowByteFirst(bytes.subarray(0, DATA_ID_LENGTH));
}

/** "02010100" and "02010100" compare equal whatever their case. */
export function normaliseDataId(di: string): string {
  return di.toUpperCase();
}
