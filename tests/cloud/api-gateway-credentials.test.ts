import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import type { Role } from '../../cloud/access/roles.js';
import { GatewayLoginCheck } from '../../cloud/registry/gateway-login-check.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const GATEWAY = 'gw-estate-a';
const URL_OF = (gatewayId: string) => `/api/v1/gateways/${gatewayId}/credentials`;

/** A gateway's MQTT credential over HTTP: who may issue, rotate, revoke and see it, and what the broker then takes. */
describe('HTTP API: gateway credentials', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let check: GatewayLoginCheck;
  const clock = new ManualClock(BASE_TIME);
  const token: Partial<Record<`${Role}A` | 'adminB' | 'adminOfAll', { authorization: string }>> = {};

  beforeAll(async () => {
    opened = await pglite.open();
    const api = await buildTestApi(opened.db, clock);
    app = api.app;
    check = new GatewayLoginCheck(opened.db, api.registry);
    for (const estate of ['estate-a', 'estate-b']) {
      await api.registry.upsertEstate({ id: estate, name: estate });
      await api.registry.upsertGateway({ id: `gw-${estate}`, estateId: estate, name: estate });
    }
    for (const role of ['admin', 'supervisor', 'facilities', 'housekeeper', 'estate_manager'] as const) {
      token[`${role}A`] = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role }], clock));
    }
    token.adminB = bearer(await staffToken(opened.db, [{ estateId: 'estate-b', role: 'admin' }], clock));
    token.adminOfAll = bearer(await staffToken(opened.db, [{ estateId: null, role: 'admin' }], clock));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', headers: { authorization: string } | undefined, gatewayId = GATEWAY) =>
    app.inject({ method, url: URL_OF(gatewayId), ...(headers ? { headers } : {}) });

  it('an admin of the estate issues a password shown once, rotates it and revokes it; the broker follows each change', async () => {
    const none = await call('GET', token.adminA);
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ gateway_id: GATEWAY, estate_id: 'estate-a', state: 'none', credential_id: null, issued_at: null, issued_by: null, revoked_at: null, revoked_by: null, rotations: 0 });

    const issued = await call('POST', token.adminA);
    expect(issued.statusCode, issued.body).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    const first = issued.json();
    expect(first).toMatchObject({ gateway_id: GATEWAY, state: 'active', rotated: false, rotations: 0, issued_at: new Date(BASE_TIME).toISOString(), issued_by: expect.stringMatching(/^api_token:/) });
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await check.verifyGatewayPassword(GATEWAY, first.password)).toBe(true);

    const shown = await call('GET', token.facilitiesA);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ state: 'active', credential_id: first.credential_id });
    expect(shown.json()).not.toHaveProperty('password');
    expect(shown.body).not.toContain(first.password);

    clock.advance(60_000);
    const rotated = await call('POST', token.adminOfAll);
    expect(rotated.statusCode).toBe(201);
    const second = rotated.json();
    expect(second).toMatchObject({ state: 'active', rotated: true, rotations: 1 });
    expect(second.password).not.toBe(first.password);
    expect(await check.verifyGatewayPassword(GATEWAY, first.password)).toBe(false);
    expect(await check.verifyGatewayPassword(GATEWAY, second.password)).toBe(true);

    const revoked = await call('DELETE', token.adminA);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ state: 'revoked', credential_id: second.credential_id, revoked_at: new Date(clock.now()).toISOString(), rotations: 1 });
    expect(await check.verifyGatewayPassword(GATEWAY, second.password)).toBe(false);
    expect((await call('DELETE', token.adminA)).json()).toEqual(revoked.json());
  });

  it('refuses every other role of the estate with 403, and answers 404 for a gateway of another estate as for none', async () => {
    for (const who of ['supervisorA', 'facilitiesA', 'housekeeperA', 'estate_managerA'] as const) {
      for (const method of ['POST', 'DELETE'] as const) {
        const response = await call(method, token[who]);
        expect({ who, method, status: response.statusCode, error: response.json().error }).toEqual({ who, method, status: 403, error: 'forbidden' });
      }
    }
    expect((await call('GET', token.housekeeperA)).statusCode).toBe(403);

    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const other = await call(method, token.adminB);
      const missing = await call(method, token.adminB, 'gw-nowhere');
      expect({ method, status: other.statusCode, error: other.json().error }).toEqual({ method, status: 404, error: 'gateway_not_found' });
      expect(other.json().message.replace(GATEWAY, '<id>')).toBe(missing.json().message.replace('gw-nowhere', '<id>'));
      expect((await call(method, undefined)).statusCode).toBe(401);
    }
    const badId = await call('POST', token.adminA, 'Not_An-Id!');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().fields.map((field: { path: string }) => field.path)).toEqual(['params.id']);
  });
});
