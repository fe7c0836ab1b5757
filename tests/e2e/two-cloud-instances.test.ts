import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertItem } from '../../shared/contract/index.js';
import type { CloudInstance } from '../support/cloud-instance.js';
import { eventually } from '../support/net.js';
import { TwoCloudRig } from '../support/two-cloud-rig.js';
import { RESEND_ON_PRESENCE } from '../support/uplink-gateway.js';
import { alertItem, readingItem, uniqueSlug } from '../support/wire-fixtures.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import { RosterRepository } from '../../cloud/dispatch/roster-repository.js';
import { DispatchPolicyRepository } from '../../cloud/dispatch/dispatch-policy-repository.js';
import { buildNotifications } from '../../cloud/notifications/build-notifications.js';

const GATEWAYS = 3;
/**
 * Far beyond the test's length: a message the broker lost can only come back through a new cloud
 * presence (or a reconnect of the gateway), never through the receipt timeout.
 */
const RECEIPT_TIMEOUT_MS = 60 * 60_000;
/** Telemetry of every gateway, one message each this often, for as long as the test runs. */
const TRAFFIC_PERIOD_MS = 25;
const READINGS_PER_MESSAGE = 10;
/** Generous for a busy two-core machine: a failed failover waits for the hour-long receipt timeout instead. */
const TICKETS_WAIT_MS = 60_000;
/** Each care visit escalates to its assignee this long after it opened unacknowledged (the policy's shortest window). */
const ACK_WINDOW_MS = 60_000;

interface RaisedAlert {
  alert: AlertItem;
  raisedAt: number;
  phase: string;
}

/**
 * Two cloud instances (`estatecare cloud` processes) in one share group on one PostgreSQL and one
 * Mosquitto, gateways' uplinks sending telemetry all the while. Each instance is killed with
 * SIGKILL in turn while alerts are on their way, and started again; one is stopped cleanly; then
 * both are killed and alerts are raised while no cloud is there. With the gateways' receipt
 * timeout at an hour, every alert dealt to an instance as it died, and every alert sent while none
 * was there, can reach a ticket only through a new cloud presence: the dead instance's last will,
 * the stopping instance's departure, or an instance's start.
 */
describe('two cloud instances in one share group', () => {
  let rig: TwoCloudRig;
  let traffic: Promise<void> | undefined;
  let trafficOn = true;
  let readingsSent = 0;
  const raised: RaisedAlert[] = [];
  let alertCount = 0;

  /** Standard Webhooks ids the estate's webhook channel received, each as often as it came. */
  const webhookIds: string[] = [];
  let receiver: Server | undefined;
  let db: SqlDatabase | undefined;

  /**
   * The estate's people and channel: a housekeeper on a 24-hour shift gets every care visit, a
   * minute without an acknowledgement escalates it back to her, and every notification goes to a
   * webhook received here.
   */
  async function staffTheEstate(): Promise<void> {
    const estateId = 'gw-two-clouds-estate';
    db = await openDatabase({ url: rig.postgres.url }, silentLogger());
    const operator = await loadOperatorCaller(db);
    const housekeeper = await new StaffService(db, systemClock).addStaff(operator, {
      login: uniqueSlug('hk'),
      display_name: '管家',
      password: null,
      grants: [{ estate_id: estateId, role: 'housekeeper', building_ids: null }],
    });
    await new RosterRepository(db).add(estateId, { staff_id: housekeeper.id, role: 'housekeeper', building_ids: null, weekdays: [1, 2, 3, 4, 5, 6, 7], starts_at: '00:00', ends_at: '00:00' }, 'test', Date.now());
    await new DispatchPolicyRepository(db).put(
      estateId,
      { care_visit: { ack_within_minutes: ACK_WINDOW_MS / 60_000, escalation: { ack: [{ notify: 'assignee', after_minutes: 0, renotify_every_minutes: null }] } } },
      0,
      'test',
      Date.now(),
    );
    receiver = createServer((request, response) => {
      webhookIds.push(String(request.headers['webhook-id']));
      request.resume().on('end', () => response.writeHead(200).end());
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await buildNotifications(db, { publicUrl: 'https://care.example.com' }, systemClock, silentLogger()).channels.create(operator, estateId, {
      kind: 'webhook',
      name: 'receiver',
      url,
      secret: null,
      language: 'zh',
      show_resident_names: false,
      enabled: true,
    });
  }

  beforeAll(async () => {
    rig = await TwoCloudRig.start({ name: 'gw-two-clouds', gateways: GATEWAYS, receiptTimeoutMs: RECEIPT_TIMEOUT_MS });
    await staffTheEstate();
    traffic = (async () => {
      while (trafficOn) {
        for (const gateway of rig.gateways) {
          const at = Date.now();
          const readings = Array.from({ length: READINGS_PER_MESSAGE }, (_, i) => readingItem({ device_id: `meter-${i}`, value: i, at }));
          readingsSent += readings.length;
          await gateway.send(readings);
        }
        await sleep(TRAFFIC_PERIOD_MS);
      }
    })();
  }, 300_000);

  afterAll(async () => {
    trafficOn = false;
    await traffic;
    await rig?.close();
    await db?.close();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  });

  /** Raises `count` alerts round robin over the gateways, one message each (the uplink sends each on its own when raised one by one). */
  async function raiseAlerts(count: number, phase: string): Promise<RaisedAlert[]> {
    const batch: RaisedAlert[] = [];
    for (let i = 0; i < count; i++) {
      const gateway = rig.gateways[alertCount % GATEWAYS]!;
      const alert = alertItem({ subject: { kind: 'unit', id: `hh-${alertCount++}` }, at: Date.now() });
      batch.push({ alert, phase, raisedAt: await gateway.raise(alert) });
    }
    raised.push(...batch);
    return batch;
  }

  /** Resolves once every one of these alerts has been published by its gateway. */
  async function sent(alerts: readonly RaisedAlert[]): Promise<void> {
    await eventually('the alerts published', () => alerts.every(({ alert }) => rig.gateways.some((gateway) => gateway.outbox.firstSentAt.has(alert.id))));
  }

  async function ticketed(alerts: readonly RaisedAlert[], what: string): Promise<void> {
    const episodes = alerts.map(({ alert }) => alert.episode_id);
    await eventually(what, async () => (await rig.ticketsOf(episodes)).length >= episodes.length, TICKETS_WAIT_MS).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${rig.log()}`);
    });
  }

  /** Index of the next log line of each gateway, to read what they log from now on. */
  const logMarks = (): number[] => rig.gateways.map((gateway) => gateway.log.lines.length);
  const resentSince = (marks: number[]): number => rig.gateways.reduce((sum, gateway, i) => sum + gateway.resentOnPresenceSince(marks[i]!), 0);
  /** Resolves once every gateway has reacted to a new cloud presence logged after the marks. */
  const everyGatewaySawPresence = (marks: number[], what: string): Promise<unknown> =>
    eventually(what, () => rig.gateways.every((gateway, i) => gateway.log.lines.slice(marks[i]).some((line) => line.msg === RESEND_ON_PRESENCE)));

  /**
   * Kills (or stops) one instance right after a burst of alerts went out, then raises more while it
   * is gone: all of them become tickets before it is started again.
   */
  async function loseInstance(gone: CloudInstance, survivor: CloudInstance, how: 'kill' | 'stop'): Promise<number> {
    const burst = await raiseAlerts(9, `burst before ${gone.name} ${how}`);
    await sent(burst);
    const marks = logMarks();
    const survivorTicketsBefore = survivor.ticketsOpened().length;
    await (how === 'kill' ? gone.kill() : gone.stop());
    await everyGatewaySawPresence(marks, `the gateways to hear that ${gone.name} left`);
    const whileGone = await raiseAlerts(9, `while ${gone.name} is down`);
    await ticketed([...burst, ...whileGone], `tickets for the alerts around the ${how} of ${gone.name}, before it is back`);
    expect(gone.current).toBeUndefined();
    // The survivor opened every ticket raised while the other was gone. It logs a ticket once its
    // row is committed, and its output is read here a moment after the rows are seen.
    await eventually(`${survivor.name}'s log of the tickets it opened`, () => survivor.ticketsOpened().length - survivorTicketsBefore >= whileGone.length).catch(() => undefined);
    expect(survivor.ticketsOpened().length - survivorTicketsBefore).toBeGreaterThanOrEqual(whileGone.length);
    return resentSince(marks);
  }

  it('splits the gateways between both instances, loses nothing when either dies or stops, and opens each ticket once', { timeout: 15 * 60_000 }, async () => {
    const [first, second] = rig.instances;
    const bothUp = await raiseAlerts(12, 'both up');
    await ticketed(bothUp, 'tickets while both instances are up');
    // The broker dealt alerts to both members (each logs its tickets a moment after their rows are seen).
    await eventually('both instances to log a ticket', () => first.ticketsOpened().length > 0 && second.ticketsOpened().length > 0).catch(() => undefined);
    expect(first.ticketsOpened().length).toBeGreaterThan(0);
    expect(second.ticketsOpened().length).toBeGreaterThan(0);

    const resentAfterKills: number[] = [];
    resentAfterKills.push(await loseInstance(first, second, 'kill'));
    await first.start();
    resentAfterKills.push(await loseInstance(second, first, 'kill'));
    await second.start();
    // The kills came while messages awaited their receipts, and those were sent again.
    expect(resentAfterKills.some((messages) => messages > 0)).toBe(true);

    await loseInstance(second, first, 'stop');
    await second.start();

    // No cloud at all: what gateways send now, the broker has nobody to give it to.
    await Promise.all([first.kill(), second.kill()]);
    const noCloud = await raiseAlerts(6, 'no instance up');
    await sent(noCloud);
    const marks = logMarks();
    await first.start();
    await ticketed(noCloud, 'tickets for the alerts sent while no instance was up, once one is back');
    // They came back through the presence announced at start: every gateway had something to send again.
    expect(rig.gateways.every((gateway, i) => gateway.resentOnPresenceSince(marks[i]!) > 0)).toBe(true);
    await second.start();

    const last = await raiseAlerts(6, 'both back');
    await ticketed(last, 'tickets after both are back');
    trafficOn = false;
    await traffic;
    await eventually('every gateway to have every message answered', async () => (await Promise.all(rig.gateways.map((gateway) => gateway.drained()))).every(Boolean), TICKETS_WAIT_MS);

    // Exactly one ticket per alert, each opened once, and every reading stored.
    const tickets = await rig.ticketsOf(raised.map(({ alert }) => alert.episode_id));
    expect(tickets).toHaveLength(raised.length);
    expect(new Set(tickets.map((ticket) => ticket.episodeId)).size).toBe(raised.length);
    expect(await rig.ticketCount()).toBe(raised.length);
    // No ticket opened twice by the two instances. At most, not exactly: a process killed with -9 loses
    // what it had not yet written of its log to the pipe (Node.js writes to pipes asynchronously), so a
    // ticket it committed may miss its "ticket opened" line; the rows above count each ticket once.
    expect(first.ticketsOpened().length + second.ticketsOpened().length).toBeLessThanOrEqual(raised.length);
    expect(new Set([...first.ticketsOpened(), ...second.ticketsOpened()]).size).toBe(first.ticketsOpened().length + second.ticketsOpened().length);
    expect(await rig.readingCount()).toBe(readingsSent);

    // Every ticket was dispatched once and, unacknowledged for its minute, escalated once; each of those
    // two notifications was sent once to the webhook, whichever instance fired it and however often
    // one was killed on the way.
    const expected = raised.length * 2;
    const notifications = await eventually(
      'every assignment and escalation sent',
      async () => {
        const { rows } = await rig.sql.query<{ purpose: string; status: string; ticket_id: string; id: string }>(
          `SELECT n.purpose, n.status, n.ticket_id, d.id FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id WHERE d.channel_id IS NOT NULL`,
        );
        return rows.length >= expected && rows.every((row) => row.status === 'sent') ? rows : undefined;
      },
      raised.length ? ACK_WINDOW_MS + TICKETS_WAIT_MS : TICKETS_WAIT_MS,
    );
    expect(notifications).toHaveLength(expected);
    expect(notifications.filter((row) => row.purpose === 'ticket_assigned')).toHaveLength(raised.length);
    expect(notifications.filter((row) => row.purpose === 'ack_overdue')).toHaveLength(raised.length);
    const { rows: audit } = await rig.sql.query<{ action: string; n: string }>(
      `SELECT action, count(*) AS n FROM ticket_audit WHERE action IN ('assigned', 'escalated') GROUP BY action ORDER BY action`,
    );
    expect(audit).toEqual([
      { action: 'assigned', n: String(raised.length) },
      { action: 'escalated', n: String(raised.length) },
    ]);
    expect(new Set(webhookIds)).toEqual(new Set(notifications.map((row) => row.id)));
    console.log(`two cloud instances: ${raised.length} tickets, ${expected} notifications sent, ${webhookIds.length - new Set(webhookIds).size} webhook repeats (a send cut short by a kill)`);
  });
});
