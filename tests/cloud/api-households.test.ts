import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { buildTestApi, type TestApi } from '../support/test-api.js';
import { ConfigMessageSchema } from '../../shared/contract/index.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;

/** Households' care records over HTTP: one change per request against the version read (If-Match). */
describe('HTTP API /api/v1/estates/:estate_id/households', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let api: TestApi;
  const clock = new ManualClock(BASE_TIME);
  const token: Record<string, { authorization: string }> = {};
  const base = '/api/v1/estates/estate-a/households';
  const consent = { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-2026-0042' };
  const contact = { name: '李明', relationship: 'son', phone: '138 1234 5678' };

  beforeAll(async () => {
    opened = await pglite.open();
    api = await buildTestApi(opened.db, clock);
    app = api.app;
    for (const estate of ['estate-a', 'estate-b']) await api.registry.upsertEstate({ id: estate, name: estate });
    const operator = await loadOperatorCaller(opened.db);
    const estates = new EstateService(opened.db, clock);
    await estates.addBuilding(operator, 'estate-a', { id: 'b1', name: 'Building 1' });
    await estates.registerGateway(operator, 'estate-a', { id: 'gw-a', name: 'Gateway A' });
    for (const unit of ['hh-101', 'hh-102', 'hh-103', 'hh-104', 'hh-105']) await estates.addUnit(operator, 'estate-a', { id: unit, building_id: 'b1', label: unit });
    await estates.mapDevice(operator, 'estate-a', { id: 'pir-104', gateway_id: 'gw-a', profile: 'pir_generic', unit_id: 'hh-104' });
    await estates.mapDevice(operator, 'estate-a', { id: 'pir-105', gateway_id: 'gw-a', profile: 'pir_generic', unit_id: 'hh-105' });
    token.supervisorA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'supervisor' }], clock));
    token.housekeeperA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'housekeeper' }], clock));
    token.supervisorB = bearer(await staffToken(opened.db, [{ estateId: 'estate-b', role: 'supervisor' }], clock));
    token.adminA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'admin' }], clock));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  const enrol = (unitId: string) => app.inject({ method: 'POST', url: base, headers: token.supervisorA!, payload: { unit_id: unitId, consent } });
  const addContact = (unitId: string, version: string | undefined, who = token.supervisorA!) =>
    app.inject({ method: 'POST', url: `${base}/${unitId}/contacts`, headers: { ...who, ...(version === undefined ? {} : { 'if-match': version }) }, payload: contact });

  it('enrols a household, adds a contact against its version, shows the phone masked and reveals it in full on its own', async () => {
    const enrolled = await enrol('hh-101');
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    expect(enrolled.headers.etag).toBe('"1"');
    const added = await addContact('hh-101', '"1"');
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ unit_id: 'hh-101', version: 2, contact_id: expect.any(String) });

    const record = await app.inject({ method: 'GET', url: `${base}/hh-101?purpose=care_visit`, headers: token.housekeeperA! });
    expect(record.statusCode, record.body).toBe(200);
    expect(record.headers.etag).toBe('"2"');
    expect(record.json()).toMatchObject({ version: 2, consent: { given_by: 'the resident', document_ref: 'CF-2026-0042' }, contacts: [{ name: '李明' }] });
    expect(record.body).not.toContain('12345678');

    const contactId = added.json().contact_id as string;
    const revealed = await app.inject({ method: 'GET', url: `${base}/hh-101/contacts/${contactId}/phone?purpose=emergency`, headers: token.housekeeperA! });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json().phone).toBe('13812345678');
  });

  it('answers 409 to a change against a stale version and 400 to one that names none: nothing is overwritten', async () => {
    await enrol('hh-102');
    const [first, second] = await Promise.all([addContact('hh-102', '"1"'), addContact('hh-102', '"1"')]);
    expect([first!.statusCode, second!.statusCode].sort()).toEqual([201, 409]);
    const stale = [first!, second!].find((response) => response.statusCode === 409)!;
    expect(stale.json()).toMatchObject({ error: 'stale_version', details: { current_version: 2, expected_version: 1 } });
    const unversioned = await addContact('hh-102', undefined);
    expect(unversioned.statusCode).toBe(400);
    expect(unversioned.json().fields.map((f: { path: string }) => f.path)).toEqual(['headers.if-match']);
    const record = await app.inject({ method: 'GET', url: `${base}/hh-102?purpose=supervision`, headers: token.supervisorA! });
    expect(record.json().contacts).toHaveLength(1);
  });

  it('names the field at fault in a change, and the purpose a read must give', async () => {
    await enrol('hh-103');
    const bad = await app.inject({ method: 'POST', url: `${base}/hh-103/contacts`, headers: { ...token.supervisorA!, 'if-match': '"1"' }, payload: { ...contact, phone: 'call me' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.map((f: { path: string }) => f.path)).toEqual(['body.phone']);
    const noPurpose = await app.inject({ method: 'GET', url: `${base}/hh-103`, headers: token.supervisorA! });
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().fields.map((f: { path: string }) => f.path)).toEqual(['querystring.purpose']);
  });

  it('lets a housekeeper record an away period but not enrol; a stranger to the estate finds nothing; an admin reads no care record', async () => {
    const current = (await app.inject({ method: 'GET', url: `${base}/hh-101?purpose=care_visit`, headers: token.housekeeperA! })).headers.etag as string;
    const away = await app.inject({
      method: 'POST',
      url: `${base}/hh-101/away-periods`,
      headers: { ...token.housekeeperA!, 'if-match': current },
      payload: { from: '2026-12-01T00:00:00.000Z', to: '2026-12-10T00:00:00.000Z', reason: 'travel' },
    });
    expect(away.statusCode, away.body).toBe(201);
    expect((await addContact('hh-101', away.headers.etag as string, token.housekeeperA!)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `${base}/hh-101?purpose=care_visit`, headers: token.supervisorB! })).statusCode).toBe(404);
    expect((await addContact('hh-101', away.headers.etag as string, token.supervisorB!)).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `${base}/hh-101?purpose=care_visit`, headers: token.adminA! })).statusCode).toBe(403);
  });

  it('withdraws consent as its own versioned change', async () => {
    const current = (await app.inject({ method: 'GET', url: `${base}/hh-103?purpose=care_enrolment`, headers: token.supervisorA! })).headers.etag as string;
    const withdrawn = await app.inject({ method: 'POST', url: `${base}/hh-103/consent/withdrawal`, headers: { ...token.supervisorA!, 'if-match': current }, payload: { withdrawn_at: '2026-11-20T09:00:00.000Z' } });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const record = await app.inject({ method: 'GET', url: `${base}/hh-103?purpose=care_enrolment`, headers: token.supervisorA! });
    expect(record.json().consent).toBeNull();
    expect(record.json().consents[0].withdrawn_at).toBe('2026-11-20T09:00:00.000Z');
  });

  it("delivers the gateway's care config when a household on it changes, and leaves it out once consent is withdrawn", async () => {
    const careUnitsOfLast = () => {
      const last = api.published.filter((message) => message.topic === 'estatecare/v1/gw/gw-a/config').at(-1);
      if (!last) return undefined;
      return ConfigMessageSchema.parse(JSON.parse(last.payload)).config.rules.care.households.map((household) => household.unit_id);
    };
    const before = api.published.length;
    const enrolled = await enrol('hh-104');
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    expect(api.published.length).toBeGreaterThan(before);
    expect(careUnitsOfLast()).toEqual(['hh-104']);
    const withdrawn = await app.inject({ method: 'POST', url: `${base}/hh-104/consent/withdrawal`, headers: { ...token.supervisorA!, 'if-match': '"1"' }, payload: { withdrawn_at: '2026-11-20T09:00:00.000Z' } });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(careUnitsOfLast()).toEqual([]);
  });

  it('shows which config version of each gateway carries the latest change, and whether the gateway runs it yet', async () => {
    const operator = await loadOperatorCaller(opened.db);
    const estates = new EstateService(opened.db, clock);
    await estates.addUnit(operator, 'estate-a', { id: 'hh-106', building_id: 'b1', label: 'hh-106' });
    await estates.mapDevice(operator, 'estate-a', { id: 'pir-106', gateway_id: 'gw-a', profile: 'pir_generic', unit_id: 'hh-106' });
    const record = async () => {
      const response = await app.inject({ method: 'GET', url: `${base}/hh-106?purpose=supervision`, headers: token.supervisorA! });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ version: number; config_delivery: Array<{ gateway_id: string; config_version: number | null; reported_config_version: number | null; running: boolean }> }>();
    };
    const reports = (version: number) =>
      api.registry.recordStatus(
        'gw-a',
        { online: true, software_version: '0.1.0', config_version: String(version), uptime_s: 60, outbox: { depth: 0, oldest_unsent_age_s: null }, buses: [], devices_offline: [], watermark: null },
        clock.now(),
      );
    clock.advance(60_000);
    expect((await enrol('hh-106')).statusCode).toBe(201);
    const enrolled = await record();
    const carrying = enrolled.config_delivery[0]!.config_version!;
    expect(enrolled.config_delivery).toEqual([{ gateway_id: 'gw-a', config_version: carrying, reported_config_version: null, running: false }]);
    await reports(carrying);
    expect((await record()).config_delivery).toEqual([{ gateway_id: 'gw-a', config_version: carrying, reported_config_version: carrying, running: true }]);
    // A later change is carried by a later version, which the gateway does not run yet.
    clock.advance(60_000);
    const away = await app.inject({
      method: 'POST',
      url: `${base}/hh-106/away-periods`,
      headers: { ...token.supervisorA!, 'if-match': `"${enrolled.version}"` },
      payload: { from: '2026-12-01T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z', reason: 'hospital' },
    });
    expect(away.statusCode, away.body).toBe(201);
    const changed = (await record()).config_delivery[0]!;
    expect(changed).toEqual({ gateway_id: 'gw-a', config_version: changed.config_version, reported_config_version: carrying, running: false });
    expect(changed.config_version).toBeGreaterThan(carrying);
  });

  it("two supervisors change one household at once: one wins, the other gets 409, and the gateway's config holds exactly the winner's change", async () => {
    const configsOfGateway = () => api.published.filter((message) => message.topic === 'estatecare/v1/gw/gw-a/config').map((message) => ConfigMessageSchema.parse(JSON.parse(message.payload)).config);
    const standbyOf = (config: ReturnType<typeof configsOfGateway>[number]) => config.rules.care.households.find((household) => household.unit_id === 'hh-105')?.standby_power_w;
    expect((await enrol('hh-105')).statusCode).toBe(201);
    const sentBefore = configsOfGateway().length;
    const change = (standbyW: number) =>
      app.inject({ method: 'PUT', url: `${base}/hh-105/settings`, headers: { ...token.supervisorA!, 'if-match': '"1"' }, payload: { standby_power_w: standbyW } });
    const [first, second] = await Promise.all([change(450), change(600)]);
    expect([first!.statusCode, second!.statusCode].sort()).toEqual([200, 409]);
    const winner = first!.statusCode === 200 ? 450 : 600;
    const loser = winner === 450 ? 600 : 450;
    const sent = configsOfGateway().slice(sentBefore);
    expect(sent.length).toBeGreaterThan(0);
    expect(standbyOf(sent.at(-1)!)).toBe(winner);
    expect(sent.map(standbyOf)).not.toContain(loser);
    const record = await app.inject({ method: 'GET', url: `${base}/hh-105?purpose=care_enrolment`, headers: token.supervisorA! });
    expect(record.json()).toMatchObject({ version: 2, settings: { standby_power_w: winner } });
  });
});
