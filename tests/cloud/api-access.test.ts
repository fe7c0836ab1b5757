import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { requireAccessDeclarations } from '../../cloud/api/auth/route-access.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { TEST_POLICY } from '../contract/people/people-context.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { alertItem, BASE_TIME } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;

/** Signing in and out, and what each caller may reach: through inject() on a real (PGlite) database. */
describe('HTTP API: sign-in and scoping by estate and role', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let tickets: TicketService;
  const clock = new ManualClock(BASE_TIME + 30_000);
  const token: Record<string, { authorization: string }> = {};
  const PASSWORD = 'correct horse battery';

  beforeAll(async () => {
    opened = await pglite.open();
    const api = await buildTestApi(opened.db, clock, TEST_POLICY);
    ({ app, tickets } = api);
    for (const estate of ['estate-a', 'estate-b']) {
      await api.registry.upsertEstate({ id: estate, name: estate });
      await api.registry.upsertGateway({ id: `gw-${estate}`, estateId: estate, name: estate });
    }
    await new StaffService(opened.db, clock, TEST_POLICY).addStaff(await loadOperatorCaller(opened.db), {
      login: 'wang.hk',
      display_name: '王管家',
      password: PASSWORD,
      grants: [{ estate_id: 'estate-a', role: 'housekeeper' }],
    });
    token.supervisorA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'supervisor' }], clock));
    token.housekeeperA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'housekeeper' }], clock));
    token.facilitiesA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'facilities' }], clock));
    token.adminA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'admin' }], clock));
    token.adminB = bearer(await staffToken(opened.db, [{ estateId: 'estate-b', role: 'admin' }], clock));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  const openTicket = async (estateId: string, category: 'care_visit' | 'lift_fault'): Promise<string> => {
    const subject = category === 'care_visit' ? { kind: 'unit' as const, id: 'hh-1' } : { kind: 'asset' as const, id: 'lift-1' };
    const { ticket } = await tickets.handleAlert({ gatewayId: `gw-${estateId}`, estateId, receivedAt: clock.now() }, alertItem({ category, rule: category, subject }));
    return ticket.id;
  };

  it('refuses every API route but sign-in to a request without credentials, and keeps health and metrics public', async () => {
    for (const url of ['/api/v1/tickets', '/api/v1/gateways', '/api/v1/me']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error).toBe('not_signed_in');
    }
    const forged = await app.inject({ method: 'GET', url: '/api/v1/tickets', headers: { authorization: 'Bearer ect_forged' } });
    expect(forged.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });

  it('signs in with login and password: an HttpOnly SameSite=Strict session cookie that works until signing out', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { login: 'wang.hk', password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('bad_credentials');

    const signIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { login: 'Wang.HK', password: PASSWORD } });
    expect(signIn.statusCode, signIn.body).toBe(201);
    const cookie = String(signIn.headers['set-cookie']);
    expect(cookie).toMatch(/^estatecare_session=ecs_[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(signIn.json()).toMatchObject({ token: expect.stringMatching(/^ecs_/), me: { kind: 'staff', login: 'wang.hk', estates: [{ estate_id: 'estate-a', roles: [{ role: 'housekeeper', building_ids: null }] }] } });

    const sessionCookie = cookie.split(';')[0]!;
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `theme=dark; ${sessionCookie}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().login).toBe('wang.hk');
    // The returned token works as a bearer token too, for API clients.
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(signIn.json().token) })).statusCode).toBe(200);

    const signOut = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: sessionCookie } });
    expect(signOut.statusCode).toBe(204);
    expect(String(signOut.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: sessionCookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error).toBe('session_ended');
  });

  it("shows a ticket of another estate, or of a type outside the caller's roles, exactly as one that does not exist", async () => {
    const careA = await openTicket('estate-a', 'care_visit');
    const liftA = await openTicket('estate-a', 'lift_fault');
    const careB = await openTicket('estate-b', 'care_visit');
    const unknown = '0190f1f2-0000-7000-8000-000000000000';

    const listed = async (who: { authorization: string }) =>
      ((await app.inject({ method: 'GET', url: '/api/v1/tickets', headers: who })).json().tickets as Array<{ id: string; estate_id: string }>).map((t) => t.id);
    expect(await listed(token.supervisorA!)).toEqual(expect.arrayContaining([careA, liftA]));
    expect(await listed(token.supervisorA!)).not.toContain(careB);
    expect(await listed(token.housekeeperA!)).toContain(careA);
    expect(await listed(token.housekeeperA!)).not.toContain(liftA);
    expect(await listed(token.adminA!)).toEqual([]);

    const notFoundBody = async (id: string, who: { authorization: string }) => {
      const response = await app.inject({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: who });
      expect(response.statusCode, id).toBe(404);
      return response.json().message.replace(id, '<id>');
    };
    const forUnknown = await notFoundBody(unknown, token.supervisorA!);
    expect(await notFoundBody(careB, token.supervisorA!)).toBe(forUnknown);
    expect(await notFoundBody(liftA, token.housekeeperA!)).toBe(forUnknown);
    expect((await app.inject({ method: 'POST', url: `/api/v1/tickets/${careB}/ack`, headers: token.supervisorA! })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/v1/tickets/${careB}`, headers: token.adminB! })).statusCode).toBe(404);
  });

  it('records the signed-in identity as the actor, whatever name a body carries', async () => {
    const id = await openTicket('estate-a', 'care_visit');
    const me = (await app.inject({ method: 'GET', url: '/api/v1/me', headers: token.housekeeperA! })).json();
    const ack = await app.inject({ method: 'POST', url: `/api/v1/tickets/${id}/ack`, headers: token.housekeeperA!, payload: { by: 'someone.else' } });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().ticket.acknowledged_by).toBe(`api_token:${me.staff_id}`);
  });

  it("lets only an administrator of the gateway's estate read or replace its rules config", async () => {
    const put = (who: { authorization: string }, gateway = 'gw-estate-a') =>
      app.inject({ method: 'PUT', url: `/api/v1/gateways/${gateway}/config`, headers: who, payload: { rules: {} } });
    expect((await put(token.adminA!)).statusCode).toBe(200);
    expect((await put(token.adminB!)).statusCode).toBe(404);
    expect((await put(token.supervisorA!)).statusCode).toBe(403);
    expect((await put(token.facilitiesA!)).statusCode).toBe(403);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/gateways/gw-estate-a/config', payload: { rules: {} } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/gateways/gw-estate-a/config', headers: token.adminB! })).statusCode).toBe(404);
  });

  it('lists only gateways of estates where the caller may see them', async () => {
    const ids = async (who: { authorization: string }) => ((await app.inject({ method: 'GET', url: '/api/v1/gateways', headers: who })).json().gateways as Array<{ id: string }>).map((g) => g.id);
    expect(await ids(token.facilitiesA!)).toEqual(['gw-estate-a']);
    expect(await ids(token.adminB!)).toEqual(['gw-estate-b']);
    expect((await app.inject({ method: 'GET', url: '/api/v1/gateways', headers: token.housekeeperA! })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/gateways/gw-estate-b', headers: token.facilitiesA! })).statusCode).toBe(404);
  });

  it('refuses to register a route that does not declare who may call it', async () => {
    const bare = Fastify();
    requireAccessDeclarations(bare);
    expect(() => bare.get('/api/v1/undeclared', async () => ({}))).toThrow(/GET \/api\/v1\/undeclared: declare who may call it/);
    expect(() => bare.get('/api/v1/declared', { config: { access: 'signed_in' } }, async () => ({}))).not.toThrow();
    await bare.close();
  });
});
