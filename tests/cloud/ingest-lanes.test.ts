import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { UPLINK_CHANNELS, subscriptionFor, type Receipt } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { CloudMqttConnection, INFLIGHT_MESSAGES, type CloudMqttSettings } from '../../cloud/platform/cloud-mqtt-connection.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { eventually } from '../support/net.js';
import { alertItem, eventItem, readingItem, uniqueSlug } from '../support/wire-fixtures.js';
import { startTestCloud, testCloudConfig } from '../support/test-cloud.js';
import { urgentLaneLogin } from '../../cloud/config/cloud-config.js';
import { LockedStoreRig } from './locked-store-rig.js';

/** Telemetry messages beyond a full receive window: these wait at the broker, behind the window. */
const BEYOND_THE_WINDOW = 200;
const TELEMETRY_MESSAGES = INFLIGHT_MESSAGES + BEYOND_THE_WINDOW;
/** Publishing and holding some 2,200 messages on a shared two-core machine. */
const BACKLOG_TIMEOUT_MS = 60_000;

/**
 * The urgent lane on the real parts (a private Mosquitto with the deployed config and ACL, the
 * cloud on PostgreSQL): telemetry fills the telemetry connection's whole receive window (MQTT 5.0
 * Receive Maximum, INFLIGHT_MESSAGES) while its store cannot write, and more telemetry waits at the
 * broker behind it; an alert of another gateway comes in on the urgent connection all the same, and
 * is a ticket and receipted while every telemetry message is still held. Its event, which goes to
 * the telemetry store, waits with the telemetry. On one connection the broker would send nothing
 * more until a PUBACK freed the window.
 */
describe('ingest lanes', () => {
  let rig: LockedStoreRig;
  let cloud: Cloud;
  let sql: pg.Client;
  let locker: pg.Client;
  let telemetry: GatewayPublisher;
  let alarms: GatewayPublisher;

  beforeAll(async () => {
    rig = await LockedStoreRig.start('lane');
    ({ cloud, sql, locker, telemetry, alarms } = rig);
  });

  afterAll(() => rig?.stop());

  const count = async (query: string, params: unknown[]): Promise<number> => Number((await sql.query<{ n: string }>(query, params)).rows[0]!.n);
  const receiptsOf = (publisher: GatewayPublisher, seqs: ReadonlySet<number>): Receipt[] => publisher.receipts.filter((receipt) => seqs.has(receipt.seq));
  const inFlightGauge = async (lane: string): Promise<number | undefined> =>
    (await cloud.metrics.registry.getSingleMetric('estatecare_ingest_messages_in_flight')!.get()).values.find((value) => value.labels.lane === lane)?.value;

  it('makes an alert a ticket while a telemetry backlog fills the telemetry lane and waits at the broker, its event waiting with the telemetry', async () => {
    const event = eventItem({ at: Date.now() });
    const eventEnvelope = alarms.envelope([event]);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE readings IN SHARE MODE');
    const seqs = new Set<number>();
    const devices: string[] = [];
    try {
      // A drain's burst, published without waiting for each PUBACK.
      const published: Array<Promise<void>> = [];
      for (let message = 0; message < TELEMETRY_MESSAGES; message++) {
        const reading = readingItem({ device_id: `meter-${message}`, at: Date.now() });
        devices.push(reading.device_id);
        const envelope = telemetry.envelope([reading]);
        seqs.add(envelope.seq as number);
        published.push(telemetry.publish('telemetry', envelope));
      }
      await Promise.all(published);
      // The telemetry lane's window is full: the broker holds the rest for it, and the window stays full while the store fails.
      await eventually('a full telemetry window', () => cloud.messagesInFlightOn('telemetry') === INFLIGHT_MESSAGES, BACKLOG_TIMEOUT_MS);
      expect(await inFlightGauge('telemetry')).toBe(INFLIGHT_MESSAGES);

      const alarm = alertItem({ subject: { kind: 'asset', id: 'lift-3' }, category: 'lift_entrapment', severity: 'critical', rule: 'lift_entrapment', at: Date.now() });
      const alarmEnvelope = alarms.envelope([alarm]);
      await alarms.publish('events', eventEnvelope);
      await alarms.publish('alerts', alarmEnvelope);
      expect(await alarms.receiptOf(alarmEnvelope.seq as number)).toEqual({ seq: alarmEnvelope.seq, outcome: 'stored' });
      expect(await count('SELECT count(*) AS n FROM tickets WHERE episode_id = $1', [alarm.episode_id])).toBe(1);

      // The ticket is opened while the telemetry is still held, all of it: the window full, nothing
      // stored, nothing receipted; the event sent before the alert waits at the broker with it.
      expect(cloud.messagesInFlightOn('telemetry')).toBe(INFLIGHT_MESSAGES);
      expect(alarms.receipts.filter((receipt) => receipt.seq === eventEnvelope.seq)).toEqual([]);
      expect(await count('SELECT count(*) AS n FROM events WHERE id = $1', [event.id])).toBe(0);
      expect(cloud.messagesInFlightOn('urgent')).toBe(0);
      expect(receiptsOf(telemetry, seqs)).toEqual([]);
      expect(await count('SELECT count(*) AS n FROM readings WHERE gateway_id = $1 AND device_id = ANY($2::text[])', [telemetry.gatewayId, devices])).toBe(0);
    } finally {
      await locker.query('ROLLBACK');
    }

    // Then every telemetry message, those the broker kept back included, is stored and receipted once.
    await eventually('a receipt for every telemetry message', () => receiptsOf(telemetry, seqs).length >= TELEMETRY_MESSAGES, BACKLOG_TIMEOUT_MS);
    expect(new Set(receiptsOf(telemetry, seqs).map((receipt) => `${receipt.seq}:${receipt.outcome}`))).toEqual(new Set([...seqs].map((seq) => `${seq}:stored`)));
    expect(await count('SELECT count(*) AS n FROM readings WHERE gateway_id = $1 AND device_id = ANY($2::text[])', [telemetry.gatewayId, devices])).toBe(TELEMETRY_MESSAGES);
    expect(await alarms.receiptOf(eventEnvelope.seq as number)).toEqual({ seq: eventEnvelope.seq, outcome: 'stored' });
    expect(await count('SELECT count(*) AS n FROM events WHERE id = $1', [event.id])).toBe(1);
    await eventually('every message acknowledged to the broker', () => cloud.messagesInFlight === 0);
  });
});

/**
 * A cloud that ran with every channel on one connection left a persistent session subscribed to
 * all of them under the account the telemetry lane logs in with. Started with the lanes, it stores
 * what that session had queued on the urgent lane's channels, and rids the session of them: what
 * comes later arrives on the urgent lane only.
 */
describe('ingest lanes after a cloud on one connection', () => {
  const gatewayId = uniqueSlug('gw-lane-upgrade');
  const passwords = { [gatewayId]: 'pw-lane-upgrade-1', [SERVICE_USERNAME]: 'pw-lane-upgrade-cloud' };
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let gateway: GatewayPublisher;
  let cloud: Cloud | undefined;
  /** The telemetry lane's account, as the cloud on one connection logged in (Mosquitto takes the username as the client id). */
  const oneConnection = (): CloudMqttConnection =>
    new CloudMqttConnection((): CloudMqttSettings => ({ url: mosquitto.url, username: SERVICE_USERNAME, password: passwords[SERVICE_USERNAME], clientId: SERVICE_USERNAME }), silentLogger());

  beforeAll(async () => {
    [mosquitto, postgres] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase()]);
    gateway = await GatewayPublisher.connect(mosquitto.url, gatewayId, passwords[gatewayId]!);
  });

  afterAll(async () => {
    await gateway?.close();
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop()]);
  });

  it('stores the alert the old session kept, and the session no longer takes alerts', async () => {
    const before = oneConnection();
    await before.start();
    await before.subscribe({ filters: UPLINK_CHANNELS.map((channel) => subscriptionFor(channel)), handle: () => Promise.reject(new Error('nothing comes while the session is being set up')) });
    await before.stop();
    const kept = alertItem({ subject: { kind: 'asset', id: 'lift-1' }, category: 'lift_entrapment', severity: 'critical', rule: 'lift_entrapment', at: Date.now() });
    const keptEnvelope = gateway.envelope([kept]);
    await gateway.publish('alerts', keptEnvelope);

    cloud = await startTestCloud({ brokerUrl: mosquitto.url, servicePassword: passwords[SERVICE_USERNAME], databaseUrl: postgres.url, gatewayIds: [gatewayId] });
    expect(await gateway.receiptOf(keptEnvelope.seq as number)).toEqual({ seq: keptEnvelope.seq, outcome: 'stored' });
    await cloud.stop();
    cloud = undefined;

    // With the cloud away, an alert and then a reading: the telemetry lane's session queues the
    // reading, and would have queued the alert ahead of it had it kept the alerts' subscription.
    const later = gateway.envelope([alertItem({ subject: { kind: 'asset', id: 'lift-2' }, category: 'lift_entrapment', severity: 'critical', rule: 'lift_entrapment', at: Date.now() })]);
    await gateway.publish('alerts', later);
    const reading = gateway.envelope([readingItem({ at: Date.now() })]);
    await gateway.publish('telemetry', reading);
    const delivered: string[] = [];
    const after = oneConnection();
    await after.start();
    try {
      await after.subscribe({
        filters: [subscriptionFor('telemetry')],
        handles: UPLINK_CHANNELS.map((channel) => subscriptionFor(channel)),
        handle: async (topic) => void delivered.push(topic.split('/').at(-1)!),
      });
      await eventually('the reading from the telemetry lane\'s session', () => delivered.includes('telemetry'));
      expect(delivered).toEqual(['telemetry']);
    } finally {
      await after.stop();
    }
  });
});

describe("the urgent lane's login", () => {
  const external = (broker: Record<string, unknown>) => {
    const config = testCloudConfig({ brokerUrl: 'mqtt://127.0.0.1:1883', servicePassword: 'pw-cloud', databaseUrl: 'postgres://127.0.0.1/none', gatewayIds: [] });
    if (config.broker.embedded) throw new Error('the test cloud config names an external broker');
    return { ...config.broker, ...broker } as typeof config.broker;
  };

  it("is the connection's own with -urgent unless the config names another", () => {
    expect(urgentLaneLogin(external({ username: 'estatecare-cloud', client_id: 'ingest-1', urgent_lane: {} }))).toEqual({
      username: 'estatecare-cloud-urgent',
      password: 'pw-cloud',
      clientId: 'ingest-1-urgent',
    });
    expect(urgentLaneLogin(external({ urgent_lane: { username: 'alarms', password: 'pw-alarms', client_id: 'alarms-1' } }))).toEqual({ username: 'alarms', password: 'pw-alarms', clientId: 'alarms-1' });
  });

  describe('on a broker without its account', () => {
    const passwords = { [SERVICE_USERNAME]: 'pw-lane-missing-cloud' };
    let mosquitto: MosquittoInstance;
    let postgres: TestPostgresDatabase;

    beforeAll(async () => {
      [mosquitto, postgres] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase()]);
    });

    afterAll(async () => {
      await Promise.allSettled([mosquitto?.stop(), postgres?.drop()]);
    });

    it('refuses to start, naming the lane and the account', async () => {
      const config = testCloudConfig({ brokerUrl: mosquitto.url, servicePassword: passwords[SERVICE_USERNAME], databaseUrl: postgres.url, gatewayIds: [] });
      if (config.broker.embedded) throw new Error('the test cloud config names an external broker');
      config.broker.urgent_lane = { username: 'estatecare-cloud-nobody' };
      const cloud = new Cloud(config, { logger: silentLogger() });
      await expect(cloud.start()).rejects.toThrow(/urgent lane\) could not connect to the cloud broker as estatecare-cloud-nobody: .*[Nn]ot authori[sz]ed/);
      await cloud.stop().catch(() => undefined);
    });
  });
});
