import { describe, expect, it } from 'vitest';
import { BusError } from '../../../../../edge/bus/bus-error.js';
import { bytesToWords, decodeRegisterBit, decodeRegisters, encodeRegisters, wordsToBytes } from '../../../../../edge/drivers/modbus/register-codec.js';

describe('register codec: 32-bit word orders', () => {
  // 230.0 = 0x43660000 (sign 0, exponent 0x86 = 134 -> 2^7, mantissa 1.796875: 1.796875 x 128 = 230).
  // Bytes A B C D = 43 66 00 00.
  it('reads float32 230.0 in all four orders', () => {
    expect(decodeRegisters([0x4366, 0x0000], 'float32', 'ABCD')).toBe(230); // 43 66 | 00 00 (Eastron)
    expect(decodeRegisters([0x0000, 0x4366], 'float32', 'CDAB')).toBe(230); // 00 00 | 43 66
    expect(decodeRegisters([0x6643, 0x0000], 'float32', 'BADC')).toBe(230); // 66 43 | 00 00
    expect(decodeRegisters([0x0000, 0x6643], 'float32', 'DCBA')).toBe(230); // 00 00 | 66 43
  });

  it('reads the float vectors of edge/drivers/modbus/README.md: 50.0 = 42 48 00 00, 1234.56 ~ 44 9A 51 EC', () => {
    expect(decodeRegisters([0x4248, 0x0000], 'float32', 'ABCD')).toBe(50);
    // float32 has 24 significant bits: 1234.56 reads back as 1234.56005859375
    expect(decodeRegisters([0x449a, 0x51ec], 'float32', 'ABCD')).toBeCloseTo(1234.56, 3);
  });

  it('writes float32 230.0 in all four orders', () => {
    expect(encodeRegisters(230, 'float32', 'ABCD')).toEqual([0x4366, 0x0000]);
    expect(encodeRegisters(230, 'float32', 'CDAB')).toEqual([0x0000, 0x4366]);
    expect(encodeRegisters(230, 'float32', 'BADC')).toEqual([0x6643, 0x0000]);
    expect(encodeRegisters(230, 'float32', 'DCBA')).toEqual([0x0000, 0x6643]);
  });

  it('maps wire words to bytes A B C D and back for every order', () => {
    // 0x01020304: A=01 B=02 C=03 D=04
    const abcd = Buffer.from([0x01, 0x02, 0x03, 0x04]);
    const wire = { ABCD: [0x0102, 0x0304], CDAB: [0x0304, 0x0102], BADC: [0x0201, 0x0403], DCBA: [0x0403, 0x0201] } as const;
    for (const [order, words] of Object.entries(wire) as Array<[keyof typeof wire, readonly [number, number]]>) {
      expect(wordsToBytes(words, order), order).toEqual(abcd);
      expect(bytesToWords(abcd, order), order).toEqual(words);
    }
  });

  it('reads int32 and uint32, two\'s complement for negatives', () => {
    // 123456 = 0x0001E240: ABCD 00 01 | E2 40, CDAB E2 40 | 00 01 (TUF-2000 LONG, TUF-2000F user manual §5.1)
    expect(decodeRegisters([0x0001, 0xe240], 'int32', 'ABCD')).toBe(123_456);
    expect(decodeRegisters([0xe240, 0x0001], 'int32', 'CDAB')).toBe(123_456);
    // -2 = 0xFFFFFFFE: CDAB FF FE | FF FF
    expect(decodeRegisters([0xfffe, 0xffff], 'int32', 'CDAB')).toBe(-2);
    expect(decodeRegisters([0xffff, 0xfffe], 'uint32', 'ABCD')).toBe(4_294_967_294);
    expect(decodeRegisters([0x8000, 0x0000], 'int32', 'ABCD')).toBe(-2_147_483_648);
  });

  it('reads 16-bit registers big-endian, ignoring the word order', () => {
    expect(decodeRegisters([0xffff], 'uint16', 'DCBA')).toBe(65_535);
    expect(decodeRegisters([0xffff], 'int16', 'ABCD')).toBe(-1); // 0xFFFF - 0x10000
    expect(decodeRegisters([0x8000], 'int16', 'ABCD')).toBe(-32_768);
    expect(decodeRegisters([0x7fff], 'int16', 'ABCD')).toBe(32_767);
  });

  it('round-trips integers at the edges of each type', () => {
    const cases = [
      ['int16', -32_768], ['int16', 32_767], ['uint16', 65_535], ['int32', -2_147_483_648], ['int32', 2_147_483_647],
      ['uint32', 4_294_967_295], ['bcd16', 9_999], ['bcd32', 99_999_999], ['bcd32', 10_203_040],
    ] as const;
    for (const order of ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const) {
      for (const [type, value] of cases) expect(decodeRegisters(encodeRegisters(value, type, order), type, order), `${type} ${value} ${order}`).toBe(value);
    }
  });

  it('reads the bits of a register, bit 0 least significant', () => {
    // 0x001E = 0b0000_0000_0001_1110: bits 1-4 set
    expect([0, 1, 2, 3, 4, 5].map((bit) => decodeRegisterBit(0x001e, bit))).toEqual([0, 1, 1, 1, 1, 0]);
    expect(decodeRegisterBit(0x8000, 15)).toBe(1);
  });
});

describe('register codec: BCD', () => {
  it('reads one decimal digit per nibble: 0x1234 -> 1234', () => {
    expect(decodeRegisters([0x1234], 'bcd16', 'ABCD')).toBe(1234);
    expect(decodeRegisters([0x0009], 'bcd16', 'ABCD')).toBe(9);
    // 0x12345678 in CDAB: 56 78 | 12 34
    expect(decodeRegisters([0x5678, 0x1234], 'bcd32', 'CDAB')).toBe(12_345_678);
    // 0x99999999 has bit 31 set: still the unsigned 99999999
    expect(decodeRegisters([0x9999, 0x9999], 'bcd32', 'ABCD')).toBe(99_999_999);
  });

  it('writes 1234 as 0x1234', () => {
    expect(encodeRegisters(1234, 'bcd16', 'ABCD')).toEqual([0x1234]);
    expect(encodeRegisters(99_999_999, 'bcd32', 'ABCD')).toEqual([0x9999, 0x9999]);
  });

  it('refuses a nibble above 9 as a malformed reply', () => {
    const attempt = () => decodeRegisters([0x12a4], 'bcd16', 'ABCD');
    expect(attempt).toThrow(BusError);
    expect(attempt).toThrow(/0x12A4 is not BCD: nibble A/);
    try {
      decodeRegisters([0x0000, 0x00f0], 'bcd32', 'ABCD');
      expect.unreachable();
    } catch (error) {
      expect((error as BusError).kind).toBe('malformed');
    }
  });
});

describe('register codec: limits', () => {
  it('refuses values a type cannot carry', () => {
    expect(() => encodeRegisters(70_000, 'uint16', 'ABCD')).toThrow(/uint16 carries integers 0..65535, not 70000/);
    expect(() => encodeRegisters(-1, 'uint32', 'ABCD')).toThrow(RangeError);
    expect(() => encodeRegisters(1.5, 'int16', 'ABCD')).toThrow(/not 1.5/);
    expect(() => encodeRegisters(10_000, 'bcd16', 'ABCD')).toThrow(/bcd16/);
    expect(() => encodeRegisters(Number.NaN, 'float32', 'ABCD')).toThrow(/float32 cannot carry NaN/);
  });

  it('reports too few registers as malformed', () => {
    expect(() => decodeRegisters([0x4366], 'float32', 'ABCD')).toThrow(/float32 needs 2 registers, got 1/);
  });

  it('passes NaN through for the core to report as a bad value', () => {
    expect(decodeRegisters([0x7fc0, 0x0000], 'float32', 'ABCD')).toBeNaN();
  });
});
