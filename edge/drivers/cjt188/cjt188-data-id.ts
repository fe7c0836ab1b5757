/**
 * CJ/T 188 data identifiers are 16 bits, and their byte order on the wire differs between vendors
 * (edge/drivers/cjt188/README.md, DI byte order): 0x901F goes out as 90 1F (cj94, Friendcom, the
 * "universal read" command) or as 1F 90 (CSDN qingwufeiyang12346, aixiwang, xijunzhou). The
 * checksum is the same either way. Requests use the order the profile names; replies are accepted
 * in either order.
 */
export type DataIdOrder = 'high_first' | 'low_first';

/** Read metering data of a water or gas meter (edge/drivers/cjt188/README.md, the 0x901F reply). */
export const DI_METERING_DATA = 0x901f;
/** Read address (sent 81 0A; edge/drivers/cjt188/README.md, worked frames). */
export const DI_READ_ADDRESS = 0x810a;
export const DATA_ID_LENGTH = 2;

export function dataIdBytes(di: number, order: DataIdOrder): Uint8Array {
  const high = (di >> 8) & 0xff;
  const low = di & 0xff;
  return order === 'high_first' ? Uint8Array.of(high, low) : Uint8Array.of(low, high);
}

/** Which order two received bytes carry `di` in, or undefined when they are not `di` at all. */
export function dataIdOrderOf(bytes: Uint8Array, di: number): DataIdOrder | undefined {
  const [first = -1, second = -1] = bytes;
  if (first === ((di >> 8) & 0xff) && second === (di & 0xff)) return 'high_first';
  if (first === (di & 0xff) && second === ((di >> 8) & 0xff)) return 'low_first';
  return undefined;
}

export function formatDataId(di: number): string {
  return `0x${di.toString(16).toUpperCase().padStart(4, '0')}`;
}
