import { describe, expect, it } from 'vitest';
import { fromWireTime, toWireTime } from '../../../../shared/contract/identifiers.js';

describe('fromWireTime', () => {
  it('reads what toWireTime writes, across the years, as Date.parse does', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let index = 0; index < 20_000; index++) {
      const epochMs = Math.floor(random() * Date.UTC(2200, 0, 1));
      const wire = toWireTime(epochMs);
      expect(fromWireTime(wire)).toBe(epochMs);
      expect(fromWireTime(wire)).toBe(Date.parse(wire));
    }
  });

  it.each([
    '2026-11-24T08:50:57.123Z',
    '2028-02-29T23:59:59.999Z',
    '2026-02-29T00:00:00.000Z', // past the month's end: runs on into March
    '2026-02-31T12:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z', // the end of the day
    '2026-01-01T24:00:00.001Z',
    '2026-01-01T23:60:00.000Z',
    '2026-01-01T23:59:60.000Z',
    '2026-00-01T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-01-00T00:00:00.000Z',
    '2026-01-32T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '0099-06-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00.000Z',
    '2026-1a-01T00:00:00.000Z',
    '2026-01-01 00:00:00.000Z',
    '2026-01-01T00:00:00.000z',
    '2026-01-01T00:00:00Z',
    '2026-01-01T08:00:00.000+08:00',
    '+002026-01-01T00:00:00.000Z',
    'not a time at all, 24 ch',
    '',
  ])('gives what Date.parse gives for %j', (text) => {
    expect(Object.is(fromWireTime(text), Date.parse(text))).toBe(true);
  });
});
