import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalidRequest, type FieldError } from './errors.js';

/** Routes under this prefix take no query parameter they do not declare. */
const API_PREFIX = '/api/';

/**
 * Rules every request to the API meets before its route's own schema looks at it, installed once
 * before the routes:
 * - An unknown query parameter is a 400 naming it, not ignored: a misspelt filter (`?stauts=open`)
 *   would otherwise answer the unfiltered list. Each route's querystring schema is made strict, and
 *   an API route without one takes none.
 * - Text holding NUL (U+0000) is a 400 naming the field: PostgreSQL cannot store it in text (SQLSTATE
 *   22021) nor in jsonb (22P05), so it would otherwise fail as a 500 after the request was accepted.
 */
export function installRequestGuards(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const querystring = route.schema?.querystring;
    if (querystring === undefined) {
      if (route.url.startsWith(API_PREFIX)) route.schema = { ...route.schema, querystring: z.strictObject({}) };
      return;
    }
    if (!(querystring instanceof z.ZodObject)) {
      throw new Error(`${route.method} ${route.url}: a querystring schema must be a z.object, so unknown parameters can be refused`);
    }
    route.schema = { ...route.schema, querystring: querystring.strict() };
  });

  app.addHook('preValidation', async (request) => {
    const fields = [
      ...nulFields('querystring', request.query),
      ...nulFields('params', request.params),
      ...nulFields('body', request.body),
    ];
    if (fields.length > 0) throw invalidRequest(fields);
  });
}

const NUL = '\u0000';
const NUL_MESSAGE = 'holds a NUL character (U+0000), which text cannot hold';

/**
 * Every place in a parsed request part where a string, or an object key, holds NUL, in document
 * order. Walks with its own stack, not by recursion: a 64 KiB body of nested arrays is 32,768 levels
 * deep.
 */
function nulFields(part: string, value: unknown): FieldError[] {
  const found: FieldError[] = [];
  const pending: Array<{ path: string; value: unknown }> = [{ path: part, value }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { path, value: current } = next;
    if (typeof current === 'string') {
      if (current.includes(NUL)) found.push({ path, message: NUL_MESSAGE });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const children: Array<{ path: string; value: unknown }> = [];
    for (const [key, item] of Object.entries(current)) {
      const childPath = `${path}.${key.replaceAll(NUL, '\\u0000')}`;
      if (key.includes(NUL)) found.push({ path: childPath, message: `its name ${NUL_MESSAGE}` });
      children.push({ path: childPath, value: item });
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return found;
}
