import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The headers every answer of the API carries, errors included, as the app is built for production. */
describe('HTTP security headers', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    opened = await pglite.open();
    app = (await buildTestApi(opened.db, new ManualClock(BASE_TIME))).app;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('marks every /api/ answer, a success, a refusal, an unknown path or a wrong method, as not to sniff, frame, refer from or store', async () => {
    const answers = {
      success: await get('/api/v1/ticket-categories'),
      refusal: await get('/api/v1/me'),
      unknownPath: await get('/api/v1/no-such-thing'),
      wrongMethod: await app.inject({ method: 'PATCH', url: '/api/v1/tickets' }),
      badQuery: await get('/api/v1/ticket-categories?x=1'),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.statusCode]))).toEqual({ success: 200, refusal: 401, unknownPath: 404, wrongMethod: 405, badQuery: 400 });
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.headers, name).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
        'content-security-policy': CSP,
      });
    }
  });

  it('gives health and metrics the same content policy, leaves their caching alone, and lets the OpenAPI viewer run its page', async () => {
    for (const url of ['/healthz', '/metrics']) {
      const answer = await get(url);
      expect(answer.statusCode, url).toBe(200);
      expect(answer.headers, url).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'content-security-policy': CSP });
      expect(answer.headers['cache-control'], url).toBeUndefined();
    }
    for (const url of ['/docs', '/docs/json']) {
      const answer = await get(url);
      expect(answer.statusCode, url).toBe(200);
      expect(answer.headers['x-content-type-options'], url).toBe('nosniff');
      expect(answer.headers['content-security-policy'], url).toBeUndefined();
    }
  });
});
