import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import mqtt from 'mqtt';
import { AlertsMessageSchema, subscriptionFor, type AlertItem, type GatewayStatus } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { EnvelopeFactory } from '../../edge/uplink/envelope-factory.js';
import { UplinkClient } from '../../edge/uplink/uplink-client.js';
import type { ReceiptTrackerOptions } from '../../edge/uplink/receipt-tracker.js';
import { OBSERVER, startMosquitto } from '../support/mosquitto.js';
import { createTestPostgresDatabase } from '../support/postgres.js';
import { eventually } from '../support/net.js';
import { alertItem, uniqueSlug } from '../support/wire-fixtures.js';
import { startTestCloud } from '../support/test-cloud.js';

const BATCHES = 3;
const ALERTS_PER_BATCH = 5;
/** A receipt timeout no test here lives to see: only the cloud's presence can make the gateway resend. */
const NO_TIMEOUT_IN_THIS_TEST: ReceiptTrackerOptions = { timeoutMs: 600_000, maxTimeoutMs: 600_000 };

/** What the gateway would report with this many alerts awaiting the cloud. */
function onlineStatus(depth: number): GatewayStatus {
  return { online: true, software_version: 'test', config_version: null, uptime_s: 1, outbox: { depth, oldest_unsent_age_s: 0 }, buses: [], devices_offline: [], watermark: null };
}

/**
 * A broker's PUBACK says the broker has a message, not that the cloud stored it. Here the broker
 * loses what it held for the cloud, in the two ways it happens in the field, while the gateway's
 * uplink is told "delivered" by PUBACK. With cloud receipts the gateway keeps those alerts and sends
 * them again as soon as the cloud announces a new presence (its receipt timeout is set far beyond
 * the test's, so nothing else can bring them); without receipts (the control case) they are gone,
 * which is what proves the scenario bites. Every wait is for an event: a reconnect, a PUBACK, a row.
 */
describe('the cloud broker loses what it held for the cloud', () => {
  const gatewayId = uniqueSlug('gw-session');
  const passwords = { [gatewayId]: 'pw-session-gw1', [SERVICE_USERNAME]: 'pw-session-cloud' };
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-session-loss-'));
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function setUp(options: { persistence: boolean; receipts: ReceiptTrackerOptions | null }) {
    const [mosquitto, postgres] = await Promise.all([startMosquitto(passwords, { persistence: options.persistence, observer: true }), createTestPostgresDatabase()]);
    cleanups.push(() => mosquitto.stop(), () => postgres.drop());
    const sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();
    cleanups.push(() => sql.end());
    const startCloud = async (clientId: string): Promise<Cloud> => {
      const cloud = await startTestCloud({ brokerUrl: mosquitto.url, servicePassword: passwords[SERVICE_USERNAME], databaseUrl: postgres.url, gatewayIds: [gatewayId], clientId });
      cleanups.push(() => cloud.stop());
      return cloud;
    };
    const outbox = new SqliteOutbox(join(dir, `${uniqueSlug('outbox')}.sqlite`));
    cleanups.push(async () => outbox.close());
    const uplink = new UplinkClient({
      url: mosquitto.url,
      username: gatewayId,
      password: passwords[gatewayId],
      keepaliveS: 30,
      reconnectPeriodMs: 100,
      receipts: options.receipts,
      outbox,
      envelopes: new EnvelopeFactory(gatewayId, systemClock),
      logger: silentLogger(),
    });
    cleanups.push(() => uplink.stop());
    let connects = 0;
    uplink.onConnect(() => (connects += 1));
    // Sees what the broker took from the gateway (a clean session of its own, not the cloud's).
    const observer = await mqtt.connectAsync(mosquitto.url, { ...OBSERVER, clientId: uniqueSlug('observer') });
    cleanups.push(() => observer.endAsync(true));
    const onBroker = new Set<string>();
    observer.on('message', (_topic, payload) => {
      for (const alert of AlertsMessageSchema.parse(JSON.parse(payload.toString())).items) onBroker.add(alert.episode_id);
    });
    await observer.subscribeAsync(subscriptionFor('alerts'), { qos: 1 });
    await uplink.start();
    await eventually('the uplink to connect', () => uplink.connected);
    const send = async (alerts: AlertItem[]): Promise<void> => {
      await outbox.append('alerts', alerts);
      uplink.kick();
    };
    const ticketsFor = async (alerts: AlertItem[]): Promise<number> => {
      const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM tickets WHERE episode_id = ANY($1::text[])', [alerts.map((a) => a.episode_id)]);
      return Number(rows[0]!.n);
    };
    const brokerHas = (alerts: AlertItem[]): Promise<boolean> =>
      eventually('the broker to take every alert', () => alerts.every((alert) => onBroker.has(alert.episode_id)));
    return { mosquitto, startCloud, outbox, uplink, send, ticketsFor, brokerHas, connects: () => connects };
  }

  const batches = (): AlertItem[][] =>
    Array.from({ length: BATCHES }, (_, batch) =>
      Array.from({ length: ALERTS_PER_BATCH }, (_, i) =>
        alertItem({ subject: { kind: 'asset', id: `lift-${batch}-${i}` }, category: 'lift_fault', severity: 'major', rule: 'lift_fault_code', at: Date.now() }),
      ),
    );

  it('keeps and resends alerts the broker lost in a restart without persistence, once the cloud is back', { timeout: 60_000 }, async () => {
    const setup = await setUp({ persistence: false, receipts: NO_TIMEOUT_IN_THIS_TEST });
    const clientId = uniqueSlug('ingest');
    const [before, during, after] = batches() as [AlertItem[], AlertItem[], AlertItem[]];
    let cloud = await setup.startCloud(clientId);
    await setup.send(before);
    await eventually('the first alerts stored and confirmed', async () => (await setup.ticketsFor(before)) === before.length && (await setup.outbox.stats()).depth === 0);

    await cloud.stop();
    await setup.send(during);
    await setup.brokerHas(during);
    expect((await setup.outbox.stats()).depth).toBe(during.length); // taken by the broker, not confirmed
    const connectsBefore = setup.connects();
    await setup.mosquitto.restart(); // no persistence: the cloud's session and its queue are gone
    // The gateway comes back before the cloud and sends what awaits a receipt into a broker that has
    // nobody to give it to: the order that used to cost a receipt timeout. Its status, published
    // next on the same connection, is acknowledged only once the broker has handled the alerts
    // (Mosquitto handles a connection's packets in order).
    await eventually('the gateway back and the alerts sent again', () => setup.connects() > connectsBefore && setup.uplink.awaitingReceipt === 1);
    await setup.uplink.publishStatus(onlineStatus(during.length));
    cloud = await setup.startCloud(clientId);
    await setup.send(after);

    await eventually('every alert a ticket', async () => (await setup.ticketsFor([...before, ...during, ...after])) === BATCHES * ALERTS_PER_BATCH, 30_000);
    await eventually('the outbox empty', async () => (await setup.outbox.stats()).depth === 0);
  });

  it('control: deleting on the broker PUBACK loses the alerts sent while the cloud was away', { timeout: 60_000 }, async () => {
    const setup = await setUp({ persistence: false, receipts: null });
    const clientId = uniqueSlug('ingest');
    const [before, during, after] = batches() as [AlertItem[], AlertItem[], AlertItem[]];
    let cloud = await setup.startCloud(clientId);
    await setup.send(before);
    await eventually('the first alerts stored', async () => (await setup.ticketsFor(before)) === before.length);

    await cloud.stop();
    await setup.send(during);
    await setup.brokerHas(during);
    await eventually('the outbox to delete them on PUBACK', async () => (await setup.outbox.stats()).depth === 0);
    await setup.mosquitto.restart();
    cloud = await setup.startCloud(clientId);
    await setup.send(after);
    await eventually('the alerts sent after the restart stored', async () => (await setup.ticketsFor(after)) === after.length, 30_000);

    expect(await setup.ticketsFor(during)).toBe(0);
  });

  it('resends when the cloud comes back under a new session and the gateway never disconnects', { timeout: 60_000 }, async () => {
    const setup = await setUp({ persistence: true, receipts: NO_TIMEOUT_IN_THIS_TEST });
    const [before, during] = batches() as [AlertItem[], AlertItem[]];
    const cloud = await setup.startCloud(uniqueSlug('ingest'));
    await setup.send(before);
    await eventually('the first alerts stored and confirmed', async () => (await setup.ticketsFor(before)) === before.length && (await setup.outbox.stats()).depth === 0);

    // The old session keeps its queue on the broker, but nobody reads it any more.
    await cloud.stop();
    await setup.send(during);
    await setup.brokerHas(during);
    expect((await setup.outbox.stats()).depth).toBe(during.length);
    await setup.startCloud(uniqueSlug('ingest-redeployed'));

    await eventually('every alert a ticket', async () => (await setup.ticketsFor(during)) === during.length, 30_000);
    await eventually('the outbox empty', async () => (await setup.outbox.stats()).depth === 0);
    expect(setup.uplink.connected).toBe(true);
  });
});
