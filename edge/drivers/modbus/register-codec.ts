import { BusError } from '../../bus/bus-error.js';
import type { ModbusDataType, WordOrder } from './modbus-profile.js';

/**
 * Register words <-> numbers, pure. A register is a 16-bit word sent high byte first (Modbus
 * Application Protocol §4.2). A 32-bit value spans two registers; its four bytes, A (most
 * significant) to D, come in the profile's word order:
 *
 *   order  word 0  word 1   e.g. float32 230.0 = 0x43660000
 *   ABCD   A B     C D      43 66 | 00 00   (Eastron SDM120 / SDM630 Modbus protocol)
 *   CDAB   C D     A B      00 00 | 43 66   (TUF-2000 LONG, TUF-2000F user manual §5.1)
 *   BADC   B A     D C      66 43 | 00 00
 *   DCBA   D C     B A      00 00 | 66 43
 */

export type RegisterDataType = Exclude<ModbusDataType, 'bool'>;

/** The four bytes A B C D (big-endian) of a 32-bit value from two registers in the given order. */
export function wordsToBytes(words: readonly [number, number], order: WordOrder): Buffer {
  const wire = Buffer.alloc(4);
  wire.writeUInt16BE(words[0] & 0xffff, 0);
  wire.writeUInt16BE(words[1] & 0xffff, 2);
  return reorder(wire, order);
}

/** The two registers that carry the bytes A B C D (big-endian) in the given order. */
export function bytesToWords(bytes: Buffer, order: WordOrder): [number, number] {
  const wire = reorder(bytes, order);
  return [wire.readUInt16BE(0), wire.readUInt16BE(2)];
}

/**
 * Wire bytes <-> ABCD. Each order is its own inverse: a swap of words (CDAB), of bytes within words
 * (BADC) or both (DCBA) undone by the same swap.
 */
function reorder(bytes: Buffer, order: WordOrder): Buffer {
  const [b0, b1, b2, b3] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  switch (order) {
    case 'ABCD':
      return Buffer.from([b0, b1, b2, b3]);
    case 'CDAB':
      return Buffer.from([b2, b3, b0, b1]);
    case 'BADC':
      return Buffer.from([b1, b0, b3, b2]);
    case 'DCBA':
      return Buffer.from([b3, b2, b1, b0]);
  }
}

/**
 * The number a point of the type holds in `words` (one register for 16-bit types, two for 32-bit
 * ones). Throws BusError('malformed') for a BCD nibble above 9 or too few words.
 */
export function decodeRegisters(words: readonly number[], type: RegisterDataType, order: WordOrder): number {
  const needed = type === 'int16' || type === 'uint16' || type === 'bcd16' ? 1 : 2;
  if (words.length < needed) throw new BusError('malformed', `${type} needs ${needed} registers, got ${words.length}`);
  const word = words[0]! & 0xffff;
  switch (type) {
    case 'uint16':
      return word;
    case 'int16':
      // two's complement: 0xFFFF -> -1, 0x8000 -> -32768
      return word >= 0x8000 ? word - 0x10000 : word;
    case 'bcd16':
      return decodeBcd(word, 4);
  }
  const bytes = wordsToBytes([word, words[1]! & 0xffff], order);
  switch (type) {
    case 'uint32':
      return bytes.readUInt32BE(0);
    case 'int32':
      return bytes.readInt32BE(0);
    case 'float32':
      return bytes.readFloatBE(0);
    case 'bcd32':
      return decodeBcd(bytes.readUInt32BE(0), 8);
  }
}

/** BCD: each nibble one decimal digit, most significant first (0x1234 -> 1234). */
function decodeBcd(value: number, digits: 4 | 8): number {
  let result = 0;
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    // >>> keeps bit 31 unsigned (0x99999999 is above 2^31)
    const nibble = (value >>> shift) & 0xf;
    if (nibble > 9) {
      const hex = value.toString(16).toUpperCase().padStart(digits, '0');
      throw new BusError('malformed', `0x${hex} is not BCD: nibble ${nibble.toString(16).toUpperCase()} is not a decimal digit`);
    }
    result = result * 10 + nibble;
  }
  return result;
}

/** Bit 0 (least significant) to 15 of a register, as 0 or 1. */
export function decodeRegisterBit(word: number, bit: number): 0 | 1 {
  return ((word >> bit) & 1) as 0 | 1;
}

/** Inclusive range of values each integer type can carry. */
const INTEGER_RANGES: Record<Exclude<RegisterDataType, 'float32'>, [number, number]> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  bcd16: [0, 9_999],
  bcd32: [0, 99_999_999],
};

/**
 * The registers that carry `value` as the type, for a write (FC06 / FC16). Throws a RangeError naming
 * the type when the value does not fit (not an integer, out of range, not finite).
 */
export function encodeRegisters(value: number, type: RegisterDataType, order: WordOrder): number[] {
  if (type === 'float32') {
    if (!Number.isFinite(value)) throw new RangeError(`float32 cannot carry ${value}`);
    const bytes = Buffer.alloc(4);
    bytes.writeFloatBE(value, 0);
    return bytesToWords(bytes, order);
  }
  const [min, max] = INTEGER_RANGES[type];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${type} carries integers ${min}..${max}, not ${value}`);
  }
  switch (type) {
    case 'uint16':
      return [value];
    case 'int16':
      return [value & 0xffff];
    case 'bcd16':
      return [encodeBcd(value)];
  }
  const bytes = Buffer.alloc(4);
  if (type === 'int32') bytes.writeInt32BE(value, 0);
  else bytes.writeUInt32BE(type === 'bcd32' ? encodeBcd(value) : value, 0);
  return bytesToWords(bytes, order);
}

/** 1234 -> 0x1234: one decimal digit per nibble. */
function encodeBcd(value: number): number {
  let result = 0;
  let shift = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 10), shift += 4) {
    // multiplication, not <<, so an 8-digit result stays an unsigned number above 2^31
    result += (rest % 10) * 2 ** shift;
  }
  return result;
}
