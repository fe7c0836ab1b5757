import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;

interface PolicyView {
  version: number;
  changes: Record<string, unknown>;
  effective: Record<string, { ack_within_minutes: number; on_site_within_minutes: number; may_pool: boolean; escalation: Record<string, unknown[]> }>;
  defaults: Record<string, { on_site_within_minutes: number; escalation: Record<string, unknown[]> }>;
}

/** The dispatch policy as a manager edits it: the terms in force beside the defaults, changes against a version. */
describe('HTTP API /api/v1/estates/:estate_id/dispatch-policy', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let manager: { authorization: string };
  const clock = new ManualClock(BASE_TIME);
  const url = '/api/v1/estates/estate-p/dispatch-policy';

  beforeAll(async () => {
    opened = await pglite.open();
    const api = await buildTestApi(opened.db, clock);
    app = api.app;
    await api.registry.upsertEstate({ id: 'estate-p', name: 'Policy Gardens' });
    manager = bearer(await staffToken(opened.db, [{ estateId: 'estate-p', role: 'estate_manager' }], clock));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  const get = async (): Promise<PolicyView> => {
    const response = await app.inject({ method: 'GET', url, headers: manager });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<PolicyView>();
  };
  const put = (version: number, changes: Record<string, unknown>) => app.inject({ method: 'PUT', url, headers: { ...manager, 'if-match': `"${version}"` }, payload: changes });

  it('answers every term in force beside the defaults, and a change shows in the terms, not in the defaults', async () => {
    const untouched = await get();
    expect(untouched.version).toBe(0);
    expect(untouched.effective).toEqual(untouched.defaults);
    expect(untouched.effective.lift_entrapment!.on_site_within_minutes).toBe(30);
    expect(untouched.effective.lift_entrapment!.may_pool).toBe(false);
    expect(untouched.effective.device_offline!.may_pool).toBe(true);

    const changed = await put(0, { lift_entrapment: { on_site_within_minutes: 15 } });
    expect(changed.statusCode, changed.body).toBe(200);
    const after = await get();
    expect(after.version).toBe(1);
    expect(after.effective.lift_entrapment!.on_site_within_minutes).toBe(15);
    expect(after.defaults.lift_entrapment!.on_site_within_minutes).toBe(30);
  });

  it("takes a category's terms back as its changes: what is read can be written", async () => {
    const current = await get();
    const { priority: _priority, may_pool: _mayPool, ...terms } = current.effective.care_visit as unknown as Record<string, unknown>;
    const written = await put(current.version, { care_visit: terms });
    expect(written.statusCode, written.body).toBe(200);
    expect((await get()).effective.care_visit).toEqual(current.effective.care_visit);
  });

  it('refuses a change made from an old version (409) and names the field at fault (400)', async () => {
    const stale = await put(0, { water_leak: { ack_within_minutes: 20 } });
    expect(stale.statusCode).toBe(409);
    const { version } = await get();
    const bad = await put(version, { care_visit: { pool_minutes: 10 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('pool_minutes');
  });
});
