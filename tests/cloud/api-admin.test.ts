import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { TEST_POLICY } from '../contract/people/people-context.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
type Headers = { authorization: string };
const DAY_MS = 24 * 60 * 60 * 1000;
const CONSENT = { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-2026-0007' };
const fieldPaths = (body: { fields?: Array<{ path: string }> }) => (body.fields ?? []).map((field) => field.path);

/**
 * Setting up estates and people over HTTP as an administrator does: the registry, staff with their
 * roles, sessions and API tokens, and the audit log, on a real (PGlite) database.
 */
describe('HTTP API for administrators: estates, staff, API tokens, audit log', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  const clock = new ManualClock(BASE_TIME);
  /** The installation's administrator (admin of every estate), who creates estates. */
  let root: Headers;
  /** Administrators of sunrise and of riverside, added and signed in over HTTP. */
  let sunriseAdmin: Headers;
  let riversideAdmin: Headers;

  const call = (who: Headers | null, method: InjectOptions['method'], url: string, payload?: object) =>
    app.inject({ method, url, ...(who ? { headers: who } : {}), ...(payload === undefined ? {} : { payload }) });
  const signIn = async (login: string, password: string): Promise<Headers> => {
    const response = await call(null, 'POST', '/api/v1/session', { login, password });
    expect(response.statusCode, response.body).toBe(201);
    return bearer(response.json().token);
  };
  /** A member added by the administrator over HTTP; their id and the password they sign in with. */
  const addStaff = async (admin: Headers, login: string, grants: object[], password?: string | null): Promise<{ id: string; password: string | null }> => {
    const response = await call(admin, 'POST', '/api/v1/staff', { login, display_name: login, grants, ...(password === undefined ? {} : { password }) });
    expect(response.statusCode, response.body).toBe(201);
    return { id: response.json().staff.id, password: password ?? response.json().generated_password };
  };

  beforeAll(async () => {
    opened = await pglite.open();
    app = (await buildTestApi(opened.db, clock, TEST_POLICY)).app;
    root = bearer(await staffToken(opened.db, [{ estateId: null, role: 'admin' }], clock));
    for (const [id, name] of [['sunrise', '朝阳花园'], ['riverside', 'Riverside']]) {
      const created = await call(root, 'POST', '/api/v1/estates', { id, name });
      expect(created.statusCode, created.body).toBe(201);
    }
    const li = await addStaff(root, 'li.admin', [{ estate_id: 'sunrise', role: 'admin' }]);
    sunriseAdmin = await signIn('li.admin', li.password!);
    const chen = await addStaff(root, 'chen.admin', [{ estate_id: 'riverside', role: 'admin' }]);
    riversideAdmin = await signIn('chen.admin', chen.password!);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  it('sets up an estate end to end; a housekeeper limited to a building signs in and sees only its households', async () => {
    const base = '/api/v1/estates/sunrise';
    const created = async (url: string, payload: object) => {
      const response = await call(sunriseAdmin, 'POST', `${base}${url}`, payload);
      expect(response.statusCode, `${url} ${response.body}`).toBe(201);
      return response.json();
    };
    expect(await created('/buildings', { id: 'b1', name: '1号楼' })).toEqual({ estate_id: 'sunrise', id: 'b1', name: '1号楼' });
    await created('/buildings', { id: 'b2', name: '2号楼' });
    expect(await created('/units', { id: 'hh-7f3a', building_id: 'b1', label: '1-1402' })).toEqual({ estate_id: 'sunrise', id: 'hh-7f3a', building_id: 'b1', label: '1-1402' });
    await created('/units', { id: 'hh-9c21', building_id: 'b2', label: '2-0301' });
    expect(await created('/assets', { id: 'lift-1', kind: 'lift', name: '1号楼 客梯', building_id: 'b1' })).toMatchObject({ building_id: 'b1', kind: 'lift' });
    expect(await created('/assets', { id: 'water-main', kind: 'water_main', name: '总水表' })).toMatchObject({ building_id: null });

    const gateway = await call(sunriseAdmin, 'POST', `${base}/gateways`, { id: 'gw-sunrise-1', name: '1号楼 网关' });
    expect(gateway.statusCode, gateway.body).toBe(201);
    expect(gateway.headers.location).toBe('/api/v1/gateways/gw-sunrise-1');
    expect(gateway.json()).toMatchObject({ id: 'gw-sunrise-1', estate_id: 'sunrise', uplink: 'never_seen', last_seen_at: null });
    // The gateway's own read answers what its creation did, with its devices' health beside it.
    expect((await call(sunriseAdmin, 'GET', '/api/v1/gateways/gw-sunrise-1')).json()).toEqual({ ...gateway.json(), window: expect.any(Object), devices: [] });

    const mapped = await call(sunriseAdmin, 'PUT', `${base}/devices/meter-1402`, { gateway_id: 'gw-sunrise-1', profile: 'dlt645_single_phase_meter', unit_id: 'hh-7f3a' });
    expect(mapped.statusCode, mapped.body).toBe(200);
    expect(mapped.json()).toEqual({ estate_id: 'sunrise', id: 'meter-1402', gateway_id: 'gw-sunrise-1', profile: 'dlt645_single_phase_meter', unit_id: 'hh-7f3a', asset_id: null });
    await call(sunriseAdmin, 'PUT', `${base}/devices/lift-monitor-1`, { gateway_id: 'gw-sunrise-1', profile: 'lift_monitor_gbt24476', asset_id: 'lift-1' });
    const devices = await call(sunriseAdmin, 'GET', `${base}/devices?gateway_id=gw-sunrise-1`);
    expect(devices.json().devices.map((d: { id: string; unit_id: string | null; asset_id: string | null }) => [d.id, d.unit_id, d.asset_id])).toEqual([
      ['lift-monitor-1', null, 'lift-1'],
      ['meter-1402', 'hh-7f3a', null],
    ]);
    expect((await call(sunriseAdmin, 'GET', '/api/v1/estates')).json()).toEqual({ estates: [{ id: 'sunrise', name: '朝阳花园' }] });

    // A supervisor enrols both households; the housekeeper of building 1 sees only its own.
    const supervisor = await signIn('zhao.sup', (await addStaff(sunriseAdmin, 'zhao.sup', [{ estate_id: 'sunrise', role: 'supervisor' }], 'supervisor passphrase')).password!);
    for (const unit of ['hh-7f3a', 'hh-9c21']) expect((await call(supervisor, 'POST', `${base}/households`, { unit_id: unit, consent: CONSENT })).statusCode).toBe(201);
    const added = await call(sunriseAdmin, 'POST', '/api/v1/staff', {
      login: 'Wang.HK',
      display_name: '王管家',
      password: 'housekeeper passphrase',
      grants: [{ estate_id: 'sunrise', role: 'housekeeper', building_ids: ['b1'] }],
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({
      staff: { login: 'wang.hk', display_name: '王管家', has_password: true, disabled_at: null, roles: [{ estate_id: 'sunrise', role: 'housekeeper', building_ids: ['b1'] }], roles_elsewhere: false },
      generated_password: null,
    });
    const housekeeper = await signIn('wang.hk', 'housekeeper passphrase');
    const households = await call(housekeeper, 'GET', `${base}/households?purpose=care_visit`);
    expect(households.statusCode, households.body).toBe(200);
    expect(households.json().households.map((h: { unit_id: string }) => h.unit_id)).toEqual(['hh-7f3a']);
    expect((await call(housekeeper, 'GET', `${base}/households/hh-9c21?purpose=care_visit`)).statusCode).toBe(404);
    expect((await call(housekeeper, 'GET', `${base}/units`)).json().units.map((u: { id: string }) => u.id)).toEqual(['hh-7f3a']);
    expect((await call(housekeeper, 'GET', `${base}/buildings`)).json().buildings.map((b: { id: string }) => b.id)).toEqual(['b1']);
    expect((await call(housekeeper, 'POST', `${base}/buildings`, { id: 'b3', name: 'x' })).statusCode).toBe(403);
    expect((await call(housekeeper, 'GET', `${base}/devices`)).statusCode).toBe(403);
    expect((await call(riversideAdmin, 'GET', base)).statusCode).toBe(404);
  });

  it('refuses a revoked session, an old password and a disabled account at the very next request', async () => {
    const member = await addStaff(riversideAdmin, 'sun.fac', [{ estate_id: 'riverside', role: 'facilities' }]);
    expect(member.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const lostPhone = await signIn('sun.fac', member.password!);
    expect((await call(lostPhone, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const revoked = await call(riversideAdmin, 'DELETE', `/api/v1/staff/${member.id}/sessions`);
    expect(revoked.json()).toEqual({ revoked_sessions: 1 });
    expect((await call(lostPhone, 'GET', '/api/v1/me')).json().error).toBe('session_ended');

    const desk = await signIn('sun.fac', member.password!);
    const reset = await call(riversideAdmin, 'POST', `/api/v1/staff/${member.id}/password-reset`);
    expect(reset.statusCode, reset.body).toBe(200);
    const { generated_password: newPassword, revoked_sessions } = reset.json();
    expect(revoked_sessions).toBe(1);
    expect(newPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await call(desk, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/v1/session', { login: 'sun.fac', password: member.password })).statusCode).toBe(401);
    const chosen = await call(riversideAdmin, 'POST', `/api/v1/staff/${member.id}/password-reset`, { password: 'a phrase they chose' });
    expect(chosen.json()).toEqual({ revoked_sessions: 0, generated_password: null });

    const working = await signIn('sun.fac', 'a phrase they chose');
    const token = (await call(riversideAdmin, 'POST', `/api/v1/staff/${member.id}/api-tokens`, { name: 'tablet' })).json().token as string;
    expect((await call(bearer(token), 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(riversideAdmin, 'POST', `/api/v1/staff/${member.id}/disable`)).statusCode).toBe(204);
    expect((await call(working, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await call(bearer(token), 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/v1/session', { login: 'sun.fac', password: 'a phrase they chose' })).statusCode).toBe(401);
    const listed = (await call(riversideAdmin, 'GET', '/api/v1/staff?estate_id=riverside')).json().staff.find((m: { id: string }) => m.id === member.id);
    expect(listed.disabled_at).toBe(new Date(clock.now()).toISOString());
    // Nobody disables their own account; nor acts on someone of another estate, whom they do not see.
    const self = (await call(riversideAdmin, 'GET', '/api/v1/me')).json().staff_id as string;
    expect((await call(riversideAdmin, 'POST', `/api/v1/staff/${self}/disable`)).json().error).toBe('cannot_disable_self');
    expect((await call(sunriseAdmin, 'DELETE', `/api/v1/staff/${member.id}/sessions`)).statusCode).toBe(404);
  });

  it('an issued API token works until it is revoked, and is never shown again', async () => {
    const integration = await addStaff(sunriseAdmin, 'bms.integration', [{ estate_id: 'sunrise', role: 'facilities' }], null);
    expect(integration.password).toBeNull();
    const issued = await call(sunriseAdmin, 'POST', `/api/v1/staff/${integration.id}/api-tokens`, { name: 'BMS', expires_in_days: 30 });
    expect(issued.statusCode, issued.body).toBe(201);
    const { token, api_token } = issued.json();
    expect(token).toMatch(/^ect_/);
    expect(api_token).toMatchObject({ staff_id: integration.id, name: 'BMS', expires_at: new Date(clock.now() + 30 * DAY_MS).toISOString(), revoked_at: null });
    expect((await call(bearer(token), 'GET', '/api/v1/estates/sunrise/assets')).statusCode).toBe(200);

    const listed = await call(sunriseAdmin, 'GET', `/api/v1/api-tokens?staff_id=${integration.id}`);
    expect(listed.json().api_tokens.map((t: { id: string }) => t.id)).toEqual([api_token.id]);
    expect(listed.body).not.toContain(token);
    expect((await call(riversideAdmin, 'GET', '/api/v1/api-tokens')).json().api_tokens.map((t: { id: string }) => t.id)).not.toContain(api_token.id);
    expect((await call(riversideAdmin, 'DELETE', `/api/v1/api-tokens/${api_token.id}`)).statusCode).toBe(404);

    expect((await call(sunriseAdmin, 'DELETE', `/api/v1/api-tokens/${api_token.id}`)).statusCode).toBe(204);
    const refused = await call(bearer(token), 'GET', '/api/v1/estates/sunrise/assets');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toBe('token_invalid');
    expect((await call(sunriseAdmin, 'DELETE', `/api/v1/api-tokens/${api_token.id}`)).json().error).toBe('already_revoked');
    const after = (await call(sunriseAdmin, 'GET', `/api/v1/api-tokens?staff_id=${integration.id}`)).json().api_tokens[0];
    expect(after.revoked_at).toBe(new Date(clock.now()).toISOString());
  });

  it('an administrator of one estate sees a member of two only with their roles there, and may not change the account', async () => {
    const both = await addStaff(root, 'zhou.both', [
      { estate_id: 'sunrise', role: 'supervisor' },
      { estate_id: 'riverside', role: 'supervisor' },
    ]);
    const seen = (await call(sunriseAdmin, 'GET', '/api/v1/staff')).json().staff.find((m: { id: string }) => m.id === both.id);
    expect(seen).toMatchObject({ roles: [{ estate_id: 'sunrise', role: 'supervisor', building_ids: null }], roles_elsewhere: true });
    const refused = await call(sunriseAdmin, 'POST', `/api/v1/staff/${both.id}/password-reset`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('riverside');
    expect((await call(root, 'POST', `/api/v1/staff/${both.id}/password-reset`, { password: 'root sets this one' })).statusCode).toBe(200);
    expect((await call(sunriseAdmin, 'POST', '/api/v1/estates', { id: 'another', name: 'Another' })).statusCode).toBe(403);

    // Staff of one estate: a stranger to it finds no such estate; a supervisor there may not list its staff.
    const ofRiverside = async (who: Headers) => call(who, 'GET', '/api/v1/staff?estate_id=riverside');
    expect((await ofRiverside(sunriseAdmin)).statusCode).toBe(404);
    const mixed = await addStaff(root, 'xu.mixed', [{ estate_id: 'sunrise', role: 'admin' }, { estate_id: 'riverside', role: 'supervisor' }], 'mixed passphrase');
    expect((await ofRiverside(await signIn('xu.mixed', mixed.password!))).statusCode).toBe(403);
    expect((await ofRiverside(root)).json().staff.map((m: { login: string }) => m.login)).toEqual(expect.arrayContaining(['chen.admin', 'xu.mixed', 'zhou.both']));
  });

  it('lists the audit log of an estate newest first: a household read with its purpose and route, filtered by household, actor and time, a page at a time', async () => {
    const base = '/api/v1/estates/riverside';
    for (const [url, payload] of [
      ['/buildings', { id: 'r1', name: 'R1' }],
      ['/units', { id: 'hh-r101', building_id: 'r1', label: 'R1-101' }],
      ['/units', { id: 'hh-r102', building_id: 'r1', label: 'R1-102' }],
    ] as const) {
      expect((await call(riversideAdmin, 'POST', `${base}${url}`, payload)).statusCode).toBe(201);
    }
    const supervisor = await signIn('qian.sup', (await addStaff(riversideAdmin, 'qian.sup', [{ estate_id: 'riverside', role: 'supervisor' }], 'supervisor passphrase')).password!);
    for (const unit of ['hh-r101', 'hh-r102']) expect((await call(supervisor, 'POST', `${base}/households`, { unit_id: unit, consent: CONSENT })).statusCode).toBe(201);
    const housekeeper = await addStaff(riversideAdmin, 'wu.hk', [{ estate_id: 'riverside', role: 'housekeeper' }], 'housekeeper passphrase');
    const housekeeperSession = await signIn('wu.hk', 'housekeeper passphrase');
    const manager = await signIn('he.mgr', (await addStaff(riversideAdmin, 'he.mgr', [{ estate_id: 'riverside', role: 'estate_manager' }], 'manager passphrase')).password!);

    clock.advance(60_000);
    const readAt = new Date(clock.now()).toISOString();
    expect((await call(housekeeperSession, 'GET', `${base}/households/hh-r101?purpose=care_visit`)).statusCode).toBe(200);
    clock.advance(60_000);
    expect((await call(housekeeperSession, 'GET', `${base}/households/hh-r102?purpose=emergency`)).statusCode).toBe(200);

    const reads = await call(manager, 'GET', `${base}/audit?unit_id=hh-r101&kind=read`);
    expect(reads.statusCode, reads.body).toBe(200);
    expect(reads.json()).toEqual({
      entries: [
        {
          id: expect.any(Number),
          at: readAt,
          estate_id: 'riverside',
          kind: 'read',
          action: 'household_read',
          unit_id: 'hh-r101',
          subject_id: null,
          actor: { kind: 'staff', id: housekeeper.id, via: expect.any(String) },
          purpose: 'care_visit',
          route: 'GET /api/v1/estates/:estate_id/households/:unit_id',
          details: {},
        },
      ],
      next_cursor: null,
    });
    const byHousekeeper = await call(riversideAdmin, 'GET', `${base}/audit?actor_id=${housekeeper.id}`);
    expect(byHousekeeper.json().entries.map((e: { unit_id: string; purpose: string }) => [e.unit_id, e.purpose])).toEqual([
      ['hh-r102', 'emergency'],
      ['hh-r101', 'care_visit'],
    ]);
    const window = await call(manager, 'GET', `${base}/audit?from=${encodeURIComponent(readAt)}&to=${encodeURIComponent(new Date(clock.now()).toISOString())}`);
    expect(window.json().entries.map((e: { unit_id: string }) => e.unit_id)).toEqual(['hh-r101']);

    const everything = (await call(manager, 'GET', `${base}/audit?limit=500`)).json().entries.map((e: { id: number }) => e.id);
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { entries: Array<{ id: number }>; next_cursor: string | null } = (await call(manager, 'GET', `${base}/audit?limit=4${cursor ? `&cursor=${cursor}` : ''}`)).json();
      expect(page.entries.length).toBeLessThanOrEqual(4);
      paged.push(...page.entries.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(paged).toEqual(everything);
    expect(everything.length).toBeGreaterThan(8);

    expect((await call(housekeeperSession, 'GET', `${base}/audit`)).statusCode).toBe(403);
    expect((await call(sunriseAdmin, 'GET', `${base}/audit`)).statusCode).toBe(404);
  });

  it('names the field at fault in every refused request', async () => {
    expect((await call(riversideAdmin, 'POST', '/api/v1/estates/riverside/buildings', { id: 'rf', name: 'RF' })).statusCode).toBe(201);
    const unknownStaff = '00000000-0000-7000-8000-000000000000';
    const cases: Array<{ name: string; who: Headers; method: InjectOptions['method']; url: string; payload?: object; status: number; fields: string[] }> = [
      { name: 'unknown building', who: sunriseAdmin, method: 'POST', url: '/api/v1/estates/sunrise/units', payload: { id: 'hh-x', building_id: 'b9', label: 'x' }, status: 400, fields: ['body.building_id'] },
      { name: 'bad id', who: sunriseAdmin, method: 'POST', url: '/api/v1/estates/sunrise/buildings', payload: { id: 'Bad Id', name: 'x' }, status: 400, fields: ['body.id'] },
      { name: 'taken id', who: riversideAdmin, method: 'POST', url: '/api/v1/estates/riverside/buildings', payload: { id: 'rf', name: 'again' }, status: 409, fields: ['body.id'] },
      { name: 'unknown asset kind', who: sunriseAdmin, method: 'POST', url: '/api/v1/estates/sunrise/assets', payload: { id: 'boiler', kind: 'boiler', name: 'x' }, status: 400, fields: ['body.kind'] },
      {
        name: 'unit and asset',
        who: sunriseAdmin,
        method: 'PUT',
        url: '/api/v1/estates/sunrise/devices/d-1',
        payload: { gateway_id: 'gw-sunrise-1', profile: 'eastron_sdm120', unit_id: 'hh-7f3a', asset_id: 'lift-1' },
        status: 400,
        fields: ['body.unit_id'],
      },
      {
        name: 'gateway of another estate',
        who: riversideAdmin,
        method: 'PUT',
        url: '/api/v1/estates/riverside/devices/d-1',
        payload: { gateway_id: 'gw-sunrise-1', profile: 'eastron_sdm120', unit_id: 'hh-r101' },
        status: 400,
        fields: ['body.gateway_id'],
      },
      { name: 'bad device id', who: sunriseAdmin, method: 'PUT', url: '/api/v1/estates/sunrise/devices/D%201', payload: { gateway_id: 'gw-sunrise-1', profile: 'eastron_sdm120', unit_id: 'hh-7f3a' }, status: 400, fields: ['params.device_id'] },
      {
        name: 'bad account',
        who: riversideAdmin,
        method: 'POST',
        url: '/api/v1/staff',
        payload: { login: 'x', display_name: 'x', password: 'short', grants: [{ estate_id: 'riverside', role: 'janitor' }] },
        status: 400,
        fields: ['body.login', 'body.password', 'body.grants.0.role'],
      },
      {
        name: 'unknown building limit',
        who: riversideAdmin,
        method: 'POST',
        url: '/api/v1/staff',
        payload: { login: 'ma.hk', display_name: 'x', grants: [{ estate_id: 'riverside', role: 'housekeeper', building_ids: ['rf', 'r9'] }] },
        status: 400,
        fields: ['body.grants.0.building_ids.1'],
      },
      { name: 'taken login', who: riversideAdmin, method: 'POST', url: '/api/v1/staff', payload: { login: 'chen.admin', display_name: 'x', grants: [{ estate_id: 'riverside', role: 'facilities' }] }, status: 409, fields: ['body.login'] },
      { name: 'short password', who: root, method: 'POST', url: `/api/v1/staff/${unknownStaff}/password-reset`, payload: { password: 'short' }, status: 400, fields: ['body.password'] },
      { name: 'staff id', who: root, method: 'DELETE', url: '/api/v1/staff/wang.hk/sessions', status: 400, fields: ['params.staff_id'] },
      { name: 'token name and expiry', who: root, method: 'POST', url: `/api/v1/staff/${unknownStaff}/api-tokens`, payload: { expires_in_days: 5000 }, status: 400, fields: ['body.name', 'body.expires_in_days'] },
      { name: 'token id', who: root, method: 'DELETE', url: '/api/v1/api-tokens/42', status: 400, fields: ['params.token_id'] },
      { name: 'audit time', who: riversideAdmin, method: 'GET', url: '/api/v1/estates/riverside/audit?from=yesterday', status: 400, fields: ['querystring.from'] },
      { name: 'audit window', who: riversideAdmin, method: 'GET', url: '/api/v1/estates/riverside/audit?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z', status: 400, fields: ['querystring.to'] },
      { name: 'audit page', who: riversideAdmin, method: 'GET', url: '/api/v1/estates/riverside/audit?limit=501&cursor=abc', status: 400, fields: ['querystring.limit', 'querystring.cursor'] },
      { name: 'unknown filter', who: riversideAdmin, method: 'GET', url: '/api/v1/staff?estate=riverside', status: 400, fields: ['querystring.estate'] },
    ];
    const answers = [];
    for (const { name, who, method, url, payload } of cases) {
      const response = await call(who, method, url, payload);
      answers.push({ name, status: response.statusCode, fields: fieldPaths(response.json()) });
    }
    expect(answers).toEqual(cases.map(({ name, status, fields }) => ({ name, status, fields })));
  });
});
