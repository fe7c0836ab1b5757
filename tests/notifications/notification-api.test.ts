import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { newId } from '../../shared/ids.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { adminToken, bearer } from '../support/staff-tokens.js';
import { buildTestApi, type TestApi } from '../support/test-api.js';
import { RobotReceiver } from './robot-receiver.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const ESTATE = 'api-gardens';
const WECOM_KEY = 'wecom-robot-key-0001';

/** The notification routes over HTTP on the embedded database (PGlite), as an estate administrator uses them. */
describe('notification channels and the delivery log through the API', () => {
  let opened: OpenedSqlDatabase;
  let api: TestApi;
  let app: FastifyInstance;
  let admin: { authorization: string };
  let receiver: RobotReceiver;
  const clock = new ManualClock(BASE_TIME);
  const base = `/api/v1/estates/${ESTATE}`;

  beforeAll(async () => {
    receiver = await RobotReceiver.start();
    opened = await pglite.open();
    api = await buildTestApi(opened.db, clock);
    app = api.app;
    await api.registry.upsertEstate({ id: ESTATE, name: 'API Gardens' });
    await api.registry.upsertGateway({ id: 'gw-api', estateId: ESTATE, name: 'API gateway' });
    admin = bearer(await adminToken(opened.db, ESTATE, clock));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
    await receiver?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });

  it('stores a robot with its key and secret, and never shows either', async () => {
    const created = await call('POST', `${base}/notification-channels`, { kind: 'dingtalk', name: '钉钉群', url: receiver.url(`/robot/send?access_token=${WECOM_KEY}`), secret: 'SEC-dingtalk-secret' });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ channel: { kind: 'dingtalk', name: '钉钉群', has_secret: true, language: 'zh', show_resident_names: false, enabled: true }, generated_secret: null });
    expect(body.channel.url).toMatch(/\/robot\/send\?access_token=\*\*\*$/);
    expect(created.body).not.toContain(WECOM_KEY);
    expect(created.body).not.toContain('SEC-dingtalk-secret');
    const listed = await call('GET', `${base}/notification-channels`);
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain('SEC-dingtalk-secret');
    expect(listed.body).not.toContain(WECOM_KEY);

    const changed = await call('PATCH', `${base}/notification-channels/${body.channel.id}`, { language: 'en', show_resident_names: true, secret: null });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ language: 'en', show_resident_names: true, has_secret: false });
    expect((await call('DELETE', `${base}/notification-channels/${body.channel.id}`)).statusCode).toBe(204);
    expect((await call('GET', `${base}/notification-channels`)).json().channels).toEqual([]);
  });

  it('generates a webhook secret once, in the Standard Webhooks form, with no-store', async () => {
    const created = await call('POST', `${base}/notification-channels`, { kind: 'webhook', name: 'Work orders', url: 'https://hooks.example.com/in' });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.json().generated_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(created.json().channel.has_secret).toBe(true);
    await call('DELETE', `${base}/notification-channels/${created.json().channel.id}`);
  });

  it('refuses bad channels with a 400 naming the field', async () => {
    const cases: Array<[object, string]> = [
      [{ kind: 'sms', name: 'x', url: 'https://x.example.com' }, 'kind'],
      [{ kind: 'wecom', name: 'no url' }, 'url'],
      [{ kind: 'wecom', name: 'x', url: 'ftp://x.example.com' }, 'url'],
      [{ kind: 'webhook', name: 'x', url: 'https://x.example.com', secret: 'plain-secret' }, 'secret'],
      [{ kind: 'log', name: 'x', language: 'fr' }, 'language'],
      [{ kind: 'log', name: '' }, 'name'],
    ];
    for (const [payload, field] of cases) {
      const response = await call('POST', `${base}/notification-channels`, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().fields.map((f: { path: string }) => f.path)).toContain(`body.${field}`);
    }
    const unknown = await call('PATCH', `${base}/notification-channels/${newId()}`, { name: 'x' });
    expect(unknown.statusCode).toBe(404);
  });

  it('tests a channel, lists the delivery log and its dead letters, and sends a dead letter again', async () => {
    const created = await call('POST', `${base}/notification-channels`, { kind: 'wecom', name: 'WeCom', url: receiver.url(`/cgi-bin/webhook/send?key=${WECOM_KEY}`) });
    const channelId = created.json().channel.id as string;
    receiver.answer(() => ({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } }));
    const tested = await call('POST', `${base}/notification-channels/${channelId}/test`);
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ status: 'dead', classification: 'permanent', http_status: 200, answer_code: '93000', error: 'errcode 93000: invalid webhook url' });
    const deliveryId = tested.json().delivery_id as string;

    const dead = await call('GET', `${base}/notifications/deliveries?status=dead`);
    expect(dead.statusCode).toBe(200);
    expect(dead.json().deliveries).toEqual([
      expect.objectContaining({ id: deliveryId, purpose: 'channel_test', channel_id: channelId, channel_kind: 'wecom', status: 'dead', attempts: 1, last_attempt: expect.objectContaining({ answer_code: '93000', classification: 'permanent' }) }),
    ]);
    expect(dead.body).not.toContain(WECOM_KEY);

    receiver.answer(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    // Re-queued, it is sent at once: the retry wakes the dispatcher.
    const resent = new Promise((resolve) => {
      const stop = api.notifications.dispatcher.onAttempt((report) => {
        stop();
        resolve(report);
      });
    });
    const retried = await call('POST', `${base}/notifications/deliveries/${deliveryId}/retry`);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ id: deliveryId, status: 'queued', attempts: 0 });
    expect(await resent).toMatchObject({ deliveryId, status: 'sent', outcome: { classification: 'ok', answerCode: '0' } });
    expect((await call('GET', `${base}/notifications/deliveries?status=sent`)).json().deliveries.map((d: { id: string }) => d.id)).toContain(deliveryId);
    const again = await call('POST', `${base}/notifications/deliveries/${deliveryId}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('delivery_not_dead');
    expect((await call('GET', `${base}/notifications/deliveries?status=lost`)).statusCode).toBe(400);
  });

  it('sends to the log when the estate has no channel (the embedded default)', async () => {
    const { rows } = await opened.db.query<{ id: string }>(`SELECT id FROM notification_channels WHERE estate_id = $1 AND deleted_at IS NULL`, [ESTATE]);
    for (const row of rows) await call('DELETE', `${base}/notification-channels/${row.id}`);
    await opened.db.transaction((tx) =>
      api.notifications.queue.enqueue(tx, { estateId: ESTATE, ticketId: null, purpose: 'daily_digest', chain: null, step: 0, recipientStaffIds: [], audience: 'supervisor', sendAt: clock.now(), dedupeKey: 'digest-1' }),
    );
    expect(await api.notifications.dispatcher.runDue()).toBe(1);
    const log = (await call('GET', `${base}/notifications/deliveries?limit=1`)).json().deliveries;
    expect(log).toEqual([expect.objectContaining({ purpose: 'daily_digest', channel_id: null, channel_kind: 'log', status: 'sent' })]);
  });

  it('records how robots mention a staff member: mobile and Feishu open_id, set on creation and changed later', async () => {
    const created = await call('POST', '/api/v1/staff', { login: 'zhao.hk', display_name: '赵管家', password: null, grants: [{ estate_id: ESTATE, role: 'housekeeper' }], mobile: '138 0000 3333' });
    expect(created.statusCode).toBe(201);
    expect(created.json().staff).toMatchObject({ mobile: '13800003333', feishu_open_id: null });
    const id = created.json().staff.id as string;
    const changed = await call('PATCH', `/api/v1/staff/${id}`, { feishu_open_id: 'ou_0123abcdef' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ mobile: '13800003333', feishu_open_id: 'ou_0123abcdef' });
    const bad = await call('PATCH', `/api/v1/staff/${id}`, { mobile: 'call me' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.map((f: { path: string }) => f.path)).toEqual(['body.mobile']);
    const listed = (await call('GET', `/api/v1/staff?estate_id=${ESTATE}`)).json().staff.find((s: { id: string }) => s.id === id);
    expect(listed).toMatchObject({ mobile: '13800003333', feishu_open_id: 'ou_0123abcdef' });
  });
});
