import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { APP_ERROR_KINDS, AppError } from '../../../../cloud/platform/app-error.js';
import { httpStatusOf } from '../../../../cloud/platform/app-error-status.js';
import { parseInput } from '../../../../cloud/platform/parse-input.js';

describe('the coded error catalogue', () => {
  it('maps every kind to one HTTP status', () => {
    expect(Object.fromEntries(APP_ERROR_KINDS.map((kind) => [kind, httpStatusOf(kind)]))).toEqual({
      not_found: 404,
      conflict: 409,
      forbidden: 403,
      unauthenticated: 401,
      unavailable: 503,
      invalid: 400,
      rate_limited: 429,
    });
  });

  it('parseInput names every field at fault by its path, and the input itself at the root', () => {
    const schema = z.object({ a: z.string(), list: z.array(z.object({ b: z.number() })) });
    const error = (() => {
      try {
        parseInput(schema, { a: 1, list: [{ b: 1 }, { b: 'x' }] }, 'thing');
      } catch (caught) {
        return caught as AppError;
      }
      throw new Error('expected parseInput to throw');
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error.kind).toBe('invalid');
    expect(error.fields.map((f) => f.path)).toEqual(['a', 'list.1.b']);
    expect(() => parseInput(z.number(), 'x', 'version')).toThrow(/^version: /);
  });
});
