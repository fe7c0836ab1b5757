import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { bearer, staffToken } from '../support/staff-tokens.js';
import { NOVEMBER, NOVEMBER_AS_OF, seedEstate, seedTickets } from './seeded-tickets.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;

/** GET /api/v1/estates/:estate_id/kpis: its answer on the seeded month, who may ask, and bad queries named. */
describe('KPI route', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  const headers = new Map<string, { authorization: string }>();
  const get = (who: string, url: string) => app.inject({ method: 'GET', url, headers: headers.get(who) });

  beforeAll(async () => {
    opened = await pglite.open();
    const clock = new ManualClock(NOVEMBER_AS_OF);
    ({ app } = await buildTestApi(opened.db, clock));
    await seedEstate(opened.db, 'e1');
    await seedEstate(opened.db, 'e2');
    await seedTickets(opened.db, NOVEMBER);
    headers.set('supervisor', bearer(await staffToken(opened.db, [{ estateId: 'e1', role: 'supervisor' }], clock)));
    headers.set('manager', bearer(await staffToken(opened.db, [{ estateId: 'e1', role: 'estate_manager' }], clock)));
    headers.set('housekeeper', bearer(await staffToken(opened.db, [{ estateId: 'e1', role: 'housekeeper' }], clock)));
    headers.set('housekeeper-and-supervisor', bearer(await staffToken(opened.db, [{ estateId: 'e1', role: 'housekeeper' }, { estateId: 'e2', role: 'supervisor' }], clock)));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  it('answers the month in snake_case: totals, week buckets, false alarms by rule, escalations by step', async () => {
    const response = await get('supervisor', '/api/v1/estates/e1/kpis?from=2026-11-01&to=2026-11-30&bucket=week');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      estate_id: 'e1',
      time_zone: 'Asia/Shanghai',
      from: '2026-11-01',
      to: '2026-11-30',
      category: null,
      bucket: 'week',
      as_of: '2026-11-30T04:00:00.000Z',
      closure_target: 0.98,
      notification_delivery: { count: 0, of: 0, rate: null },
    });
    // The figures of kpi-report.test.ts, as the wire spells them.
    expect(body.totals).toEqual({
      opened: 10,
      acknowledged_in_time: { count: 5, of: 8, rate: 0.625 },
      on_site_in_time: { count: 4, of: 7, rate: 4 / 7 },
      time_to_acknowledge: { count: 7, median_s: 360, p90_s: 792 },
      time_to_arrive: { count: 6, median_s: 1410, p90_s: 2460 },
      closure: { count: 6, of: 10, rate: 0.6 },
      follow_up: { count: 3, of: 4, rate: 0.75 },
      false_alarms: { count: 2, of: 7, rate: 2 / 7 },
      escalations: 10,
    });
    expect(body.buckets.map((b: { start: string }) => b.start)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    expect(body.false_alarms_by_rule[0]).toEqual({ rule: 'night_out', false_alarms: { count: 1, of: 1, rate: 1 } });
    expect(body.escalations_by_step[0]).toEqual({ chain: 'ack', step: 1, count: 3 });
  });

  it('an estate manager may read it; the category filter and day buckets are the default', async () => {
    const response = await get('manager', '/api/v1/estates/e1/kpis?from=2026-11-01&to=2026-11-07&category=lift_entrapment');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ bucket: 'day', category: 'lift_entrapment', totals: { opened: 0 } });
    expect(response.json().buckets).toHaveLength(7);
  });

  it('a housekeeper is forbidden; an estate where the caller holds no role is not found, even to a supervisor elsewhere', async () => {
    expect((await get('housekeeper', '/api/v1/estates/e1/kpis?from=2026-11-01&to=2026-11-30')).statusCode).toBe(403);
    // Supervisor of e2, housekeeper of e1: e1's KPIs are forbidden to them, and an estate they hold nothing in is not found.
    expect((await get('housekeeper-and-supervisor', '/api/v1/estates/e1/kpis?from=2026-11-01&to=2026-11-30')).statusCode).toBe(403);
    expect((await get('housekeeper-and-supervisor', '/api/v1/estates/e2/kpis?from=2026-11-01&to=2026-11-30')).statusCode).toBe(200);
    expect((await get('supervisor', '/api/v1/estates/e2/kpis?from=2026-11-01&to=2026-11-30')).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/estates/e1/kpis?from=2026-11-01&to=2026-11-30' })).statusCode).toBe(401);
  });

  it.each([
    ['to=2026-11-30', 'querystring.from'],
    ['from=2026-11-31&to=2026-12-01', 'querystring.from'],
    ['from=2026-11-01&to=30-11-2026', 'querystring.to'],
    ['from=2026-11-10&to=2026-11-01', 'querystring.to'],
    ['from=2025-01-01&to=2026-11-30', 'querystring.to'],
    ['from=2026-11-01&to=2026-11-30&bucket=month', 'querystring.bucket'],
    ['from=2026-11-01&to=2026-11-30&category=parking', 'querystring.category'],
  ])('a bad query (%s) is a 400 naming %s', async (query, field) => {
    const response = await get('supervisor', `/api/v1/estates/e1/kpis?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.map((f: { path: string }) => f.path)).toContain(field);
  });
});
