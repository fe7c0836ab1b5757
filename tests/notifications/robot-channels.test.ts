import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/time/clock.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { recordingLogger, type RecordingLogger } from '../support/recording-logger.js';
import { deliveryStatuses, notificationWorld, PUBLIC_URL, type NotificationWorld } from './notification-context.js';
import { RobotReceiver, type ReceivedRequest } from './robot-receiver.js';

const postgres = SQL_BACKENDS.find((backend) => backend.name === 'postgres')!;
const DINGTALK_SECRET = 'SECa1b2c3d4e5f6';
const FEISHU_SECRET = 'feishu-bot-secret';
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WECOM_KEY = '693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa';

interface AttemptRow {
  http_status: number | null;
  answer_code: string | null;
  classification: string | null;
  error: string | null;
  channel_kind: string;
}

/**
 * Each robot against a local receiver that plays the vendor: it checks the exact JSON shape and
 * recomputes the signature the way the vendor documents it (independently of the code under
 * test), and answers the vendor's success and error codes.
 */
describe('robot channels against a receiver playing the vendor', () => {
  let opened: OpenedSqlDatabase;
  let receiver: RobotReceiver;
  let world: NotificationWorld;
  let log: RecordingLogger;
  const clock = new ManualClock(BASE_TIME);

  beforeAll(async () => {
    receiver = await RobotReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(async () => {
    clock.set(BASE_TIME);
    opened = await postgres.open();
    log = recordingLogger('info');
    world = await notificationWorld(opened.db, clock, log.logger);
    receiver.requests.length = 0;
  }, 60_000);
  afterEach(async () => {
    await opened?.cleanup();
  });

  async function attempts(): Promise<AttemptRow[]> {
    return (await opened.db.query<AttemptRow>('SELECT http_status, answer_code, classification, error, channel_kind FROM notification_attempts ORDER BY id')).rows;
  }

  /** Enqueues a care visit's first notice and runs the dispatcher: the request the robot got, and how many attempts the run made. */
  async function sendCareVisit(): Promise<{ ticketId: string; request: ReceivedRequest; attempted: number }> {
    const ticket = await world.careVisit();
    await world.enqueue({ ticketId: ticket.id });
    const next = receiver.nextRequest();
    const attempted = await world.notifications.dispatcher.runDue();
    return { ticketId: ticket.id, request: await next, attempted };
  }

  it('WeCom: text with mentioned_mobile_list, the key only in the URL; errcode 0 is sent, 45009 is retried a minute later', async () => {
    await world.addChannel({ kind: 'wecom', name: 'WeCom 1号楼', url: receiver.url(`/cgi-bin/webhook/send?key=${WECOM_KEY}`) });
    receiver.answer(() => ({ status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } }));
    const { ticketId, request, attempted } = await sendCareVisit();
    expect(attempted).toBe(1);
    expect(request.url.pathname).toBe('/cgi-bin/webhook/send');
    expect(request.url.searchParams.get('key')).toBe(WECOM_KEY);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(request.json).toEqual({
      msgtype: 'text',
      text: {
        content: [
          '【上门关怀】新工单 · P2',
          '地点：朝阳花园 1号楼 1-101',
          '原因：独居老人 6 小时未见活动',
          '发生时间：2026-11-24 15:59',
          '接单期限：2026-11-24 16:14（待派单）', // 15 minutes from the raise; not yet dispatched (this estate has no roster)
          '通知：王管家',
          `${PUBLIC_URL}/tickets/${ticketId}`,
        ].join('\n'),
        mentioned_mobile_list: ['13800001111'],
      },
    });
    // HTTP 200 with an errcode is a failure, not "sent".
    expect(await deliveryStatuses(opened.db)).toEqual({ retrying: 1 });
    expect(await attempts()).toEqual([{ http_status: 200, answer_code: '45009', classification: 'retryable', error: 'errcode 45009: api freq out of limit', channel_kind: 'wecom' }]);

    receiver.answer(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    clock.advance(59_000);
    expect(await world.notifications.dispatcher.runDue()).toBe(0);
    clock.advance(1_000);
    expect(await world.notifications.dispatcher.runDue()).toBe(1);
    expect(await deliveryStatuses(opened.db)).toEqual({ sent: 1 });
    expect((await attempts())[1]).toMatchObject({ http_status: 200, answer_code: '0', classification: 'ok' });
    // The key is a secret: no log line carries it.
    expect(log.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(log.lines)).not.toContain(WECOM_KEY);
  });

  it('DingTalk: signed in the query string, the mobile in at.atMobiles and in the text; 310000 is dead at once and warns the admins elsewhere', async () => {
    await world.addChannel({ kind: 'dingtalk', name: '钉钉群', url: receiver.url('/robot/send?access_token=tok-1'), secret: DINGTALK_SECRET });
    receiver.answer(() => ({ status: 200, body: { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' } }));
    const { request, attempted } = await sendCareVisit();
    // The robot's attempt, then the dead-letter warning's on the log.
    expect(attempted).toBe(2);
    const timestamp = request.url.searchParams.get('timestamp');
    expect(timestamp).toBe(String(clock.now()));
    const expected = createHmac('sha256', DINGTALK_SECRET).update(`${timestamp}\n${DINGTALK_SECRET}`).digest('base64');
    // URLSearchParams undoes the URL-encoding the signature needs (base64 has +, / and =).
    expect(request.url.searchParams.get('sign')).toBe(expected);
    expect(request.url.search).toContain(`sign=${encodeURIComponent(expected)}`);
    expect(request.url.searchParams.get('access_token')).toBe('tok-1');
    const body = request.json as { msgtype: string; text: { content: string }; at: { atMobiles: string[]; isAtAll: boolean } };
    expect(Object.keys(body).sort()).toEqual(['at', 'msgtype', 'text']);
    expect(body.msgtype).toBe('text');
    expect(body.at).toEqual({ atMobiles: ['13800001111'], isAtAll: false });
    expect(body.text.content.startsWith('【上门关怀】新工单 · P2\n')).toBe(true);
    expect(body.text.content.endsWith('\n@13800001111')).toBe(true);

    // A bad signature never gets better: dead at once, no retry.
    expect(await deliveryStatuses(opened.db)).toMatchObject({ dead: 1 });
    expect((await attempts())[0]).toMatchObject({ answer_code: '310000', classification: 'permanent' });
    // Its warning went to the log (the estate has no other channel), naming the channel and the error, for the admin.
    const warnings = (await opened.db.query<{ purpose: string; status: string; recipient_staff_ids: string[] }>(`SELECT purpose, status, recipient_staff_ids FROM notifications WHERE purpose = 'dead_letter_warning'`)).rows;
    expect(warnings).toEqual([{ purpose: 'dead_letter_warning', status: 'sent', recipient_staff_ids: [world.adminId] }]);
    const warningLine = log.lines.find((line) => line.purpose === 'dead_letter_warning');
    expect(warningLine?.msg).toContain('【通知发送失败】');
    expect(warningLine?.msg).toContain('渠道：钉钉群 (dingtalk)');
    expect(warningLine?.msg).toContain('errcode 310000');
    expect(receiver.requests).toHaveLength(1);
  });

  it('Feishu: timestamp in seconds and sign in the body, mentions by open_id; 19021 is dead at once, 11232 and HTTP 429 are retried', async () => {
    await world.addChannel({ kind: 'feishu', name: '飞书群', url: receiver.url('/open-apis/bot/v2/hook/hook-1'), secret: FEISHU_SECRET });
    receiver.answer(() => ({ status: 200, body: { code: 11232, msg: 'frequency limited', data: {} } }));
    const { request, attempted } = await sendCareVisit();
    expect(attempted).toBe(1);
    const body = request.json as { timestamp: string; sign: string; msg_type: string; content: { text: string } };
    expect(Object.keys(body).sort()).toEqual(['content', 'msg_type', 'sign', 'timestamp']);
    expect(body.timestamp).toBe(String(Math.floor(clock.now() / 1000)));
    expect(body.sign).toBe(createHmac('sha256', `${body.timestamp}\n${FEISHU_SECRET}`).update('').digest('base64'));
    expect(body.msg_type).toBe('text');
    expect(body.content.text.endsWith('\n<at user_id="ou_7d8a6e6df7621556ce0d21922b676706">王管家</at>')).toBe(true);
    expect(await deliveryStatuses(opened.db)).toEqual({ retrying: 1 });

    receiver.answer(() => ({ status: 429, body: {}, headers: { 'retry-after': '90' } }));
    clock.advance(60_000);
    expect(await world.notifications.dispatcher.runDue()).toBe(1);
    expect((await attempts())[1]).toMatchObject({ http_status: 429, classification: 'retryable' });
    clock.advance(89_000);
    expect(await world.notifications.dispatcher.runDue()).toBe(0);

    receiver.answer(() => ({ status: 200, body: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' } }));
    clock.advance(1_000);
    expect(await world.notifications.dispatcher.runDue()).toBe(2); // and the dead-letter warning on the log
    expect((await attempts())[2]).toMatchObject({ answer_code: '19021', classification: 'permanent' });
    expect((await opened.db.query(`SELECT 1 FROM notification_deliveries WHERE status = 'dead'`)).rows).toHaveLength(1);
  });

  it('Webhook: Standard Webhooks headers and signature, the delivery id as webhook-id on every retry; 5xx retried, other 4xx dead', async () => {
    await world.addChannel({ kind: 'webhook', name: 'Work orders', url: receiver.url('/hooks/estatecare'), secret: WEBHOOK_SECRET });
    receiver.answer(() => ({ status: 503 }));
    const { ticketId, request, attempted } = await sendCareVisit();
    expect(attempted).toBe(1);
    const id = request.headers['webhook-id'] as string;
    const timestamp = request.headers['webhook-timestamp'] as string;
    expect(timestamp).toBe(String(Math.floor(clock.now() / 1000)));
    const key = Buffer.from(WEBHOOK_SECRET.slice('whsec_'.length), 'base64');
    expect(request.headers['webhook-signature']).toBe(`v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64')}`);
    expect(request.json).toMatchObject({ type: 'notification', data: { purpose: 'ticket_assigned', ticket_id: ticketId, estate_id: 'sunrise', title: '【上门关怀】新工单 · P2', link: `${PUBLIC_URL}/tickets/${ticketId}` } });

    receiver.answer(() => ({ status: 404 }));
    const retried = receiver.nextRequest();
    clock.advance(5_000);
    expect(await world.notifications.dispatcher.runDue()).toBe(2); // the retry, and the dead-letter warning on the log
    expect((await retried).headers['webhook-id']).toBe(id);
    expect((await attempts()).map((a) => [a.http_status, a.classification])).toEqual([
      [503, 'retryable'],
      [404, 'permanent'],
      [null, 'ok'], // the dead-letter warning, on the log
    ]);
  });

  it('a receiver that does not answer in time is a timeout, retried; the attempt is recorded either way', async () => {
    await world.addChannel({ kind: 'wecom', name: 'Slow robot', url: receiver.url('/cgi-bin/webhook/send?key=slow') });
    receiver.answer(() => 'hang');
    // An instance with a short timeout, so the test waits a fraction of a second for the abort.
    const impatient = world.secondInstance(300);
    const ticket = await world.careVisit();
    await world.enqueue({ ticketId: ticket.id });
    const hung = receiver.nextRequest();
    expect(await impatient.dispatcher.runDue()).toBe(1);
    await hung;
    expect(await deliveryStatuses(opened.db)).toEqual({ retrying: 1 });
    expect(await attempts()).toEqual([{ http_status: null, answer_code: null, classification: 'timeout', error: 'no answer within 300 ms', channel_kind: 'wecom' }]);
    receiver.answer(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    clock.advance(5_000);
    expect(await world.notifications.dispatcher.runDue()).toBe(1);
    expect(await deliveryStatuses(opened.db)).toEqual({ sent: 1 });
  });

  it('a channel test is sent at once and answers the attempt; a failed test is a dead letter without a warning', async () => {
    const channelId = await world.addChannel({ kind: 'dingtalk', name: '钉钉群', url: receiver.url('/robot/send?access_token=tok-2'), secret: DINGTALK_SECRET });
    receiver.answer(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    const passed = await world.notifications.channels.test(world.operator, 'sunrise', channelId);
    expect(passed).toMatchObject({ status: 'sent', outcome: { classification: 'ok', httpStatus: 200, answerCode: '0' } });
    expect((receiver.requests.at(-1)!.json as { text: { content: string } }).text.content).toBe('【通知渠道测试】\n这是一条测试消息，来自渠道“钉钉群”。收到即表示配置正确。');

    receiver.answer(() => ({ status: 200, body: { errcode: 300001, errmsg: 'token is not exist' } }));
    const failed = await world.notifications.channels.test(world.operator, 'sunrise', channelId);
    expect(failed).toMatchObject({ status: 'dead', outcome: { classification: 'permanent', answerCode: '300001' } });
    expect((await opened.db.query(`SELECT 1 FROM notifications WHERE purpose = 'dead_letter_warning'`)).rows).toHaveLength(0);
  });
});
