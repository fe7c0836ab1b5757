import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertItem } from '../../shared/contract/index.js';
import type { CloudInstance } from '../support/cloud-instance.js';
import { eventually } from '../support/net.js';
import { TwoCloudRig } from '../support/two-cloud-rig.js';
import { RESEND_ON_PRESENCE } from '../support/uplink-gateway.js';
import { alertItem, readingItem } from '../support/wire-fixtures.js';

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

  beforeAll(async () => {
    rig = await TwoCloudRig.start({ name: 'gw-two-clouds', gateways: GATEWAYS, receiptTimeoutMs: RECEIPT_TIMEOUT_MS });
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
    // The survivor opened every ticket raised while the other was gone.
    expect(survivor.ticketsOpened().length - survivorTicketsBefore).toBeGreaterThanOrEqual(whileGone.length);
    return resentSince(marks);
  }

  it('splits the gateways between both instances, loses nothing when either dies or stops, and opens each ticket once', { timeout: 15 * 60_000 }, async () => {
    const [first, second] = rig.instances;
    const bothUp = await raiseAlerts(12, 'both up');
    await ticketed(bothUp, 'tickets while both instances are up');
    // The broker dealt alerts to both members.
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
    expect(first.ticketsOpened().length + second.ticketsOpened().length).toBe(raised.length);
    expect(await rig.readingCount()).toBe(readingsSent);
  });
});
