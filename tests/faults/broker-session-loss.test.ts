import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import mqtt from 'mqtt';
import { AlertsMessageSchema, subscriptionFor, type AlertItem } from '../../shared/contract/index.js';
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

/**
 * A broker's PUBACK says the broker has a message, not that the cloud stored it. Here the broker
 * loses what it held for the cloud, in the two ways it happens in the field, while the gateway's
 * uplink is told "delivered" by PUBACK. With cloud receipts the gateway keeps those alerts and sends
 * them again; without them (the control case) they are gone, which is what proves the scenario bites.
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
    return { mosquitto, startCloud, outbox, uplink, send, ticketsFor, brokerHas };
  }

  const batches = (): AlertItem[][] =>
    Array.from({ length: BATCHES }, (_, batch) =>
      Array.from({ length: ALERTS_PER_BATCH }, (_, i) =>
        alertItem({ subject: { kind: 'asset', id: `lift-${batch}-${i}` }, category: 'lift_fault', severity: 'major', rule: 'lift_fault_code' }),
      ),
    );

  it('keeps and resends alerts the broker lost in a restart without persistence', { timeout: 60_000 }, async () => {
    const setup = await setUp({ persistence: false, receipts: { timeoutMs: 60_000, maxTimeoutMs: 600_000 } });
    const clientId = uniqueSlug('ingest');
    const [before, during, after] = batches() as [AlertItem[], AlertItem[], AlertItem[]];
    let cloud = await setup.startCloud(clientId);
    await setup.send(before);
    await eventually('the first alerts stored and confirmed', async () => (await setup.ticketsFor(before)) === before.length && (await setup.outbox.stats()).depth === 0);

    await cloud.stop();
    await setup.send(during);
    await setup.brokerHas(during);
    expect((await setup.outbox.stats()).depth).toBe(during.length); // taken by the broker, not confirmed
    await setup.mosquitto.restart(); // no persistence: the cloud's session and its queue are gone
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

  it('resends after the receipt timeout when the cloud comes back under a new session and the gateway never disconnects', { timeout: 60_000 }, async () => {
    const setup = await setUp({ persistence: true, receipts: { timeoutMs: 2_000, maxTimeoutMs: 8_000 } });
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
