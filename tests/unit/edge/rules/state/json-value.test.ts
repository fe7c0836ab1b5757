import { describe, expect, it } from 'vitest';
import { assertJsonValue } from '../../../../../edge/rules/state/json-value.js';

/** What JSON.stringify makes of a value: refused (throws or gives nothing) or written. */
function stringifyRefuses(value: unknown): boolean {
  try {
    return JSON.stringify(value) === undefined;
  } catch {
    return true;
  }
}

describe('assertJsonValue', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = { back: cyclic };
  const shared = { at: 1 };
  const refused: Array<[string, unknown]> = [
    ['a BigInt deep inside', { a: [1, { b: 2n }] }],
    ['a cycle through a nested object', cyclic],
    ['a function as the value', () => 1],
    ['a symbol as the value', Symbol('s')],
    ['a toJSON that throws', { a: { toJSON: () => { throw new Error('no'); } } }],
    ['a toJSON that gives nothing, as the value', { toJSON: () => undefined }],
  ];
  const written: Array<[string, unknown]> = [
    ['numbers, NaN and Infinity (written as null)', { a: 1.5, b: Number.NaN, c: [Number.POSITIVE_INFINITY] }],
    ['one object held twice (not a cycle)', { first: shared, second: [shared, shared] }],
    ['a nested function or undefined member (left out)', { f: () => 1, u: undefined, list: [undefined] }],
    ['a Date (its text)', { at: new Date(0) }],
    ['null and scalars', [null, 'text', true, 0]],
  ];

  it.each(refused)('refuses %s', (_what, value) => {
    expect(stringifyRefuses(value)).toBe(true);
    expect(() => assertJsonValue(value, 'state r/k')).toThrow(/state r\/k|no/);
  });

  it.each(written)('passes %s, as JSON.stringify writes it', (_what, value) => {
    expect(stringifyRefuses(value)).toBe(false);
    expect(() => assertJsonValue(value, 'state r/k')).not.toThrow();
  });

  describe('beside the value it replaces, which passed', () => {
    const routine = { firsts: [{ day: 1, minute: 420 }], spans: [[1, 2]] };
    const checked = { at: 1, routine, floor: { done: [1, 2, 3] } };

    it('still walks what is new in it', () => {
      expect(() => assertJsonValue({ ...checked, floor: { done: [1, 2n] } }, 'state r/k', checked)).toThrow(/BigInt/);
      expect(() => assertJsonValue({ ...checked, routine: { ...routine, firsts: [...routine.firsts, { day: 2n }] } }, 'state r/k', checked)).toThrow(/BigInt/);
      const cyclic: Record<string, unknown> = { ...checked };
      cyclic.floor = { back: cyclic };
      expect(() => assertJsonValue(cyclic, 'state r/k', checked)).toThrow(/cyclic/);
    });

    it('passes a value sharing its members, or the same value again', () => {
      expect(() => assertJsonValue({ ...checked, at: 2 }, 'state r/k', checked)).not.toThrow();
      expect(() => assertJsonValue(checked, 'state r/k', checked)).not.toThrow();
    });
  });
});
