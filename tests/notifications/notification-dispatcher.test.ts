import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/time/clock.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { GROUPING_WINDOW_MS, MAX_ATTEMPTS, retryDelayMs, SEND_LEASE_MS } from '../../cloud/notifications/delivery-policy.js';
import { claimDueDeliveries } from '../../cloud/notifications/delivery-claims.js';
import { completeDelivery } from '../../cloud/notifications/delivery-completion.js';
import { releaseDueNotifications } from '../../cloud/notifications/delivery-release.js';
import type { Ticket } from '../../cloud/tickets/ticket.js';
import { deliveryStatuses, ESTATE, notificationWorld, type NotificationWorld } from './notification-context.js';
import { RobotReceiver } from './robot-receiver.js';

const postgres = SQL_BACKENDS.find((backend) => backend.name === 'postgres')!;
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MINUTE = 60_000;

describe('the notification dispatcher on PostgreSQL', () => {
  let opened: OpenedSqlDatabase;
  let receiver: RobotReceiver;
  let world: NotificationWorld;
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
    world = await notificationWorld(opened.db, clock);
    receiver.requests.length = 0;
    receiver.answer(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
  }, 60_000);
  afterEach(async () => {
    await opened?.cleanup();
  });

  const webhook = (path: string) => world.addChannel({ kind: 'webhook', name: `hook ${path}`, url: receiver.url(path), secret: WEBHOOK_SECRET });
  const requestsTo = (path: string) => receiver.requests.filter((request) => request.url.pathname === path);

  it('never sends what was cancelled while queued, nor a retry of what was cancelled after a failure', async () => {
    await webhook('/a');
    const ticket = await world.careVisit();
    // Due in 15 minutes (an escalation step), cancelled by the acknowledgement before then.
    expect(await world.enqueue({ ticketId: ticket.id, purpose: 'ack_overdue', chain: 'ack', step: 1, audience: 'supervisor', sendAt: clock.now() + 15 * MINUTE, dedupeKey: `${ticket.id}:ack:1` })).toBe(true);
    expect(await world.enqueue({ ticketId: ticket.id, purpose: 'ack_overdue', chain: 'ack', step: 1, audience: 'supervisor', sendAt: clock.now() + 15 * MINUTE, dedupeKey: `${ticket.id}:ack:1` })).toBe(false);
    expect(await opened.db.transaction((tx) => world.notifications.queue.cancelChain(tx, ticket.id, 'ack', 'acknowledged'))).toBe(1);
    clock.advance(15 * MINUTE);
    expect(await world.notifications.dispatcher.runDue()).toBe(0);
    expect(receiver.requests).toHaveLength(0);

    // Due now; the first attempt fails, the ticket is acknowledged before the retry.
    receiver.answer(() => ({ status: 502 }));
    await world.enqueue({ ticketId: ticket.id, chain: 'on_site', dedupeKey: `${ticket.id}:on_site:0` });
    expect(await world.notifications.dispatcher.runDue()).toBe(1);
    expect(await deliveryStatuses(opened.db)).toEqual({ retrying: 1 });
    expect(await opened.db.transaction((tx) => world.notifications.queue.cancelTicket(tx, ticket.id, 'resolved'))).toBe(1);
    clock.advance(retryDelayMs(1));
    expect(await world.notifications.dispatcher.runDue()).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    expect(await deliveryStatuses(opened.db)).toEqual({ cancelled: 1 });
    const { rows } = await opened.db.query<{ status: string; cancelled_reason: string }>('SELECT status, cancelled_reason FROM notifications ORDER BY created_at, id');
    expect(rows).toEqual([
      { status: 'cancelled', cancelled_reason: 'acknowledged' },
      { status: 'cancelled', cancelled_reason: 'resolved' },
    ]);
  });

  it('skips a delivery whose notification a cancel holds, and never sends it once the cancel commits', async () => {
    await webhook('/raced');
    const ticket = await world.careVisit();
    await world.enqueue({ ticketId: ticket.id, dedupeKey: 'raced' });
    expect(await releaseDueNotifications(opened.db, clock.now())).toBe(1);
    await opened.db.transaction(async (tx) => {
      expect(await world.notifications.queue.cancelChain(tx, ticket.id, 'ack', 'acknowledged')).toBe(1);
      // The acknowledgement has not committed: a dispatcher running now skips the locked rows.
      expect(await world.notifications.dispatcher.runDue()).toBe(0);
    });
    expect(await world.notifications.dispatcher.runDue()).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    expect(await deliveryStatuses(opened.db)).toEqual({ cancelled: 1 });
  });

  it('sends again a delivery whose instance died mid-send, once its lease has lapsed', async () => {
    await webhook('/orphan');
    const ticket = await world.careVisit();
    await world.enqueue({ ticketId: ticket.id, dedupeKey: 'orphan' });
    await releaseDueNotifications(opened.db, clock.now());
    // An instance claims it and dies before the request.
    const [orphan] = await claimDueDeliveries(opened.db, clock.now(), 10);
    expect(orphan).toBeDefined();
    const second = world.secondInstance();
    clock.advance(SEND_LEASE_MS - 1);
    expect(await second.dispatcher.runDue()).toBe(0);
    clock.advance(1);
    expect(await second.dispatcher.runDue()).toBe(1);
    expect(requestsTo('/orphan')).toHaveLength(1);
    const attemptsMade = (await opened.db.query<{ classification: string; error: string | null }>('SELECT classification, error FROM notification_attempts ORDER BY id')).rows;
    expect(attemptsMade).toEqual([
      { classification: 'network', error: 'the sending instance stopped before the answer' },
      { classification: 'ok', error: null },
    ]);
    // The dead instance's late answer changes nothing: its claim is gone.
    expect(await completeDelivery(opened.db, orphan!, { classification: 'ok', httpStatus: 200, answerCode: null, error: null, retryAfterMs: null }, 1, clock.now(), async () => {})).toBeNull();
    expect(await deliveryStatuses(opened.db)).toEqual({ sent: 1 });
  });

  it('retries with back-off until MAX_ATTEMPTS, then the dead letter warns the admins on the other channels and the log, and a dead warning warns nobody', async () => {
    const failing = await webhook('/failing');
    await webhook('/other');
    receiver.answer((request) => (request.url.pathname === '/failing' ? { status: 500 } : { status: 204 }));
    const ticket = await world.careVisit();
    await world.enqueue({ ticketId: ticket.id });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      expect(await world.notifications.dispatcher.runDue()).toBeGreaterThanOrEqual(1);
      if (attempt < MAX_ATTEMPTS) clock.advance(retryDelayMs(attempt));
    }
    expect(requestsTo('/failing')).toHaveLength(MAX_ATTEMPTS);
    const warnings = requestsTo('/other').filter((request) => (request.json as { data: { purpose: string } }).data.purpose === 'dead_letter_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.json).toMatchObject({ data: { title: '【通知发送失败】', mentions: [{ staff_id: world.adminId, display_name: '李管理员' }] } });
    const dead = await world.notifications.channels.deliveries(world.operator, 'sunrise', { status: 'dead' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ channelId: failing, attempts: MAX_ATTEMPTS, lastError: 'HTTP 500', lastAttempt: { httpStatus: 500, classification: 'retryable' } });
    const warningDeliveries = (await opened.db.query<{ channel_id: string | null; status: string }>(
      `SELECT d.channel_id, d.status FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.purpose = 'dead_letter_warning' ORDER BY d.channel_id NULLS LAST`,
    )).rows;
    expect(warningDeliveries.map((row) => row.status)).toEqual(['sent', 'sent']);
    expect(warningDeliveries[1]!.channel_id).toBeNull(); // the log
    expect(warningDeliveries.map((row) => row.channel_id)).not.toContain(failing);

    // Re-queued by hand, it is sent again at once; when every channel fails, its warning dies without a warning of its own.
    receiver.answer(() => ({ status: 400 }));
    await world.notifications.channels.retry(world.operator, 'sunrise', dead[0]!.id);
    await world.notifications.dispatcher.runDue();
    const purposes = (await opened.db.query<{ purpose: string; status: string }>(`SELECT purpose, status FROM notifications WHERE purpose = 'dead_letter_warning' ORDER BY created_at, id`)).rows;
    expect(purposes).toEqual([
      { purpose: 'dead_letter_warning', status: 'sent' },
      { purpose: 'dead_letter_warning', status: 'sent' }, // the second dead letter's: its log delivery went out
    ]);
    const deadWarnings = (await opened.db.query(`SELECT 1 FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.purpose = 'dead_letter_warning' AND d.status = 'dead'`)).rows;
    expect(deadWarnings).toHaveLength(1); // the /other webhook refused it too; no third warning
  });

  it('gives up on a delivery older than the age limit even before MAX_ATTEMPTS', async () => {
    await webhook('/slowly-failing');
    receiver.answer(() => ({ status: 503 }));
    const ticket = await world.careVisit();
    await world.enqueue({ ticketId: ticket.id });
    await world.notifications.dispatcher.runDue();
    clock.advance(31 * MINUTE);
    await world.notifications.dispatcher.runDue();
    expect(requestsTo('/slowly-failing')).toHaveLength(2);
    expect((await world.notifications.channels.deliveries(world.operator, 'sunrise', { status: 'dead' }))[0]).toMatchObject({ attempts: 2 });
  });

  it("answers an administrator's channel test with the attempt of the run that took it up first, not as a busy channel", async () => {
    const { dispatcher, channels } = world.notifications;
    await webhook('/slow');
    receiver.answer((request) => (request.url.pathname === '/slow' ? 'hang' : { status: 200, body: {} }));
    await world.enqueue({ ticketId: (await world.careVisit()).id });
    // A run sends the care visit to the slow channel and waits on it; a second run waits behind it.
    const slowArrived = receiver.nextRequest();
    const first = dispatcher.runDue();
    expect((await slowArrived).url.pathname).toBe('/slow');
    const second = dispatcher.runDue();
    const tested = await webhook('/tested');
    // The test's delivery is committed when the service hands it to sendNow, behind both runs.
    const handedOver = new Promise<void>((resolve) => {
      const sendNow = dispatcher.sendNow.bind(dispatcher);
      dispatcher.sendNow = (deliveryId) => {
        resolve();
        return sendNow(deliveryId);
      };
    });
    const testing = channels.test(world.operator, ESTATE, tested);
    await handedOver;
    receiver.dropHanging();
    await Promise.all([first, second]);

    const report = await testing;
    expect(report).toMatchObject({ status: 'sent', outcome: expect.objectContaining({ classification: 'ok' }) });
    expect(requestsTo('/tested')).toHaveLength(1);
  });

  it('two dispatchers on one database send each delivery exactly once', async () => {
    await webhook('/shared');
    const second = world.secondInstance();
    const ticket = await world.careVisit();
    const count = 40;
    for (let i = 0; i < count; i += 1) await world.enqueue({ ticketId: ticket.id, dedupeKey: `n-${i}` });
    // Released first, so both find deliveries to claim (a run that finds nothing to release or claim ends).
    expect(await releaseDueNotifications(opened.db, clock.now())).toBe(count);
    const [first, other] = await Promise.all([world.notifications.dispatcher.runDue(), second.dispatcher.runDue()]);
    expect(first + other).toBe(count);
    const ids = requestsTo('/shared').map((request) => request.headers['webhook-id']);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    expect(await deliveryStatuses(opened.db)).toEqual({ sent: count });
    console.log(`two dispatchers: ${first} and ${other} of ${count} deliveries, each sent once`);
  });

  it('holds a robot to 20 messages a minute across two dispatchers, and sends the rest when the window moves on', async () => {
    await world.addChannel({ kind: 'wecom', name: 'WeCom', url: receiver.url('/cgi-bin/webhook/send?key=k') });
    const second = world.secondInstance();
    const ticket = await world.careVisit();
    for (let i = 0; i < 27; i += 1) await world.enqueue({ ticketId: ticket.id, dedupeKey: `r-${i}` });
    expect(await releaseDueNotifications(opened.db, clock.now())).toBe(27);
    // Each claims a batch of up to 20: between them they hold all 27, and the channel's window is counted under its row lock.
    const sent = await Promise.all([world.notifications.dispatcher.runDue(), second.dispatcher.runDue()]);
    expect(sent[0] + sent[1]).toBe(20);
    expect(receiver.requests).toHaveLength(20);
    clock.advance(MINUTE - 1);
    await Promise.all([world.notifications.dispatcher.runDue(), second.dispatcher.runDue()]);
    expect(receiver.requests).toHaveLength(20);
    clock.advance(1);
    await Promise.all([world.notifications.dispatcher.runDue(), second.dispatcher.runDue()]);
    expect(receiver.requests).toHaveLength(27);
    expect(await deliveryStatuses(opened.db)).toEqual({ sent: 27 });
  });

  it('sends device-offline notifications due within the grouping window as one message per estate naming how many', async () => {
    await webhook('/storm');
    const tickets: Ticket[] = [];
    for (let i = 0; i < 6; i += 1) tickets.push(await world.deviceOffline(`meter-${i}`));
    for (const [i, ticket] of tickets.entries()) {
      await world.enqueue({ ticketId: ticket.id, audience: 'facilities', groupKey: 'device_offline', sendAt: BASE_TIME + i * 1_000, dedupeKey: `off-${i}` });
    }
    // One device came back before the group went out.
    await opened.db.transaction((tx) => world.notifications.queue.cancelTicket(tx, tickets[5]!.id, 'device back online'));
    clock.advance(GROUPING_WINDOW_MS - 1);
    expect(await world.notifications.dispatcher.runDue()).toBe(0);
    clock.advance(1);
    expect(await world.notifications.dispatcher.runDue()).toBe(1);
    const [message] = requestsTo('/storm');
    expect(message!.json).toMatchObject({ data: { purpose: 'devices_offline_grouped', title: '【设备离线】5台设备离线' } });
    const text = (message!.json as { data: { text: string } }).data.text;
    expect(text).toContain('地点：朝阳花园 1号楼 1-201 设备 meter-0、1号楼 1-202 设备 meter-1');
    expect(text).not.toContain('meter-5');
    const statuses = (await opened.db.query<{ status: string; count: string | number }>(`SELECT status, count(*) AS count FROM notifications WHERE group_key = 'device_offline' GROUP BY status ORDER BY status`)).rows;
    expect(statuses.map((row) => [row.status, Number(row.count)])).toEqual([
      ['cancelled', 1],
      ['sent', 5],
    ]);
  });
});
