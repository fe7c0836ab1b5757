import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { InfluxDB } from 'influx';
import type { Receipt, ReadingItem } from '../../shared/contract/index.js';
import type { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { createTestInfluxDatabase, type TestInfluxDatabase } from '../support/influxdb.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { eventually } from '../support/net.js';
import { alertItem, readingItem, uniqueSlug } from '../support/wire-fixtures.js';
import { startTestCloud } from '../support/test-cloud.js';
import { LOCK_TIMEOUT, LockedStoreRig } from './locked-store-rig.js';

/** Telemetry messages of one burst, each of READINGS_PER_MESSAGE readings, as a gateway's outbox drain sends them. */
const MESSAGES = 40;
const READINGS_PER_MESSAGE = 50;

/**
 * Ingest with many messages in flight, on the real parts (a private Mosquitto with the deployed
 * ACL, the cloud storing everything in PostgreSQL). The store fault is PostgreSQL's own: the
 * readings table locked by another session (SHARE: it can still be read), so every INSERT into it
 * fails after lock_timeout, again and again, until the lock goes. Each test waits for events
 * (receipts, the messages in flight, metrics), never for time.
 */
describe('pipelined ingest', () => {
  let rig: LockedStoreRig;
  let telemetryGateway: string;
  let cloud: Cloud;
  let sql: pg.Client;
  let locker: pg.Client;
  let telemetry: GatewayPublisher;
  let alarms: GatewayPublisher;

  beforeAll(async () => {
    rig = await LockedStoreRig.start('pipe');
    ({ telemetryGateway, cloud, sql, locker, telemetry, alarms } = rig);
  });

  afterAll(() => rig?.stop());

  const metric = async (name: string): Promise<number> => {
    const values = (await cloud.metrics.registry.getSingleMetric(name)!.get()).values;
    return values.reduce((sum, value) => sum + value.value, 0);
  };
  const readingsStored = async (devices: string[]): Promise<number> => {
    const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM readings WHERE gateway_id = $1 AND device_id = ANY($2::text[])', [telemetryGateway, devices]);
    return Number(rows[0]!.n);
  };
  /** Readings of distinct meters, so that none is the same point as another. */
  const burstOfReadings = (message: number): ReadingItem[] =>
    Array.from({ length: READINGS_PER_MESSAGE }, (_, i) => readingItem({ device_id: `meter-${message}-${i}`, at: Date.now() }));
  const lockReadings = async (): Promise<void> => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE readings IN SHARE MODE');
  };
  const unlockReadings = (): Promise<unknown> => locker.query('ROLLBACK');
  const receiptsOf = (publisher: GatewayPublisher, seqs: number[]): Receipt[] => publisher.receipts.filter((receipt) => seqs.includes(receipt.seq));

  it('holds every message in flight while the store fails, stores an alert ahead of that backlog, then stores and receipts them all in few writes', async () => {
    const retriesBefore = await metric('estatecare_ingest_storage_retries_total');
    await lockReadings();
    const seqs: number[] = [];
    const devices: string[] = [];
    try {
      // Published without waiting for each PUBACK from the broker: a burst, as an outbox drain sends.
      const published: Array<Promise<void>> = [];
      for (let message = 0; message < MESSAGES; message++) {
        const items = burstOfReadings(message);
        devices.push(...items.map((item) => item.device_id));
        const envelope = telemetry.envelope(items);
        seqs.push(envelope.seq as number);
        published.push(telemetry.publish('telemetry', envelope));
      }
      await Promise.all(published);
      // Every message is in the cloud at once, none acknowledged, and the store has failed them.
      await eventually('every telemetry message in flight in the cloud', () => cloud.messagesInFlight >= MESSAGES);
      await eventually('ingest holding them for the store', async () => (await metric('estatecare_ingest_storage_retries_total')) >= retriesBefore + MESSAGES);

      const alarm = alertItem({ subject: { kind: 'asset', id: 'lift-9' }, category: 'lift_entrapment', severity: 'critical', rule: 'lift_entrapment', at: Date.now() });
      const alarmEnvelope = alarms.envelope([alarm]);
      await alarms.publish('alerts', alarmEnvelope);
      expect(await alarms.receiptOf(alarmEnvelope.seq as number)).toEqual({ seq: alarmEnvelope.seq, outcome: 'stored' });
      const { rows } = await sql.query('SELECT id FROM tickets WHERE episode_id = $1', [alarm.episode_id]);
      expect(rows).toHaveLength(1);

      // The alert went through; the backlog is still held, every message of it, and none receipted.
      expect(receiptsOf(telemetry, seqs)).toEqual([]);
      expect(cloud.messagesInFlight).toBeGreaterThanOrEqual(MESSAGES);
      expect(await readingsStored(devices)).toBe(0);
    } finally {
      await unlockReadings();
    }

    await eventually('a receipt for every telemetry message', () => receiptsOf(telemetry, seqs).length === MESSAGES);
    expect(new Set(receiptsOf(telemetry, seqs).map((receipt) => `${receipt.seq}:${receipt.outcome}:${JSON.stringify(receipt.refused)}`))).toEqual(
      new Set(seqs.map((seq) => `${seq}:stored:undefined`)),
    );
    expect(await readingsStored(devices)).toBe(MESSAGES * READINGS_PER_MESSAGE);
    await eventually('every message acknowledged to the broker', () => cloud.messagesInFlight === 0);
    // Once the lock went, what was held went in grouped writes, far fewer than one per message: the
    // rows of one INSERT share its transaction id.
    const { rows: writes } = await sql.query<{ n: string }>('SELECT count(DISTINCT xmin::text) AS n FROM readings WHERE gateway_id = $1 AND device_id = ANY($2::text[])', [telemetryGateway, devices]);
    expect(Number(writes[0]!.n)).toBeLessThan(MESSAGES / 4);
  });
});

/**
 * A grouped write with one item InfluxDB refuses: a field type conflict, `value` already a string
 * in the shard of that time (30 days back, a shard of its own). InfluxDB 1.x answers the whole
 * write with 400 and does not say which point. The messages are made to arrive together: the
 * gateway is new to the cloud and the registry's gateways table is locked while they come, so every
 * one of them waits for the same lookup, fails with it (55P03, lock_not_available) and is tried
 * again with the others at the same moment.
 */
describe('pipelined ingest on InfluxDB', () => {
  const gatewayId = uniqueSlug('gw-pipe-influx');
  const passwords = { [gatewayId]: 'pw-pipe-influx-1', [SERVICE_USERNAME]: 'pw-pipe-influx-cloud' };
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let influx: TestInfluxDatabase;
  let cloud: Cloud;
  let locker: pg.Client;
  let gateway: GatewayPublisher;

  beforeAll(async () => {
    [mosquitto, postgres, influx] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase(), createTestInfluxDatabase()]);
    locker = new pg.Client({ connectionString: postgres.url });
    await locker.connect();
    await locker.query(`ALTER DATABASE "${new URL(postgres.url).pathname.slice(1)}" SET lock_timeout = '${LOCK_TIMEOUT}'`);
    cloud = await startTestCloud({
      brokerUrl: mosquitto.url,
      servicePassword: passwords[SERVICE_USERNAME],
      databaseUrl: postgres.url,
      influx: { url: influx.url, database: influx.database },
      gatewayIds: [gatewayId],
    });
    gateway = await GatewayPublisher.connect(mosquitto.url, gatewayId, passwords[gatewayId]!);
  });

  afterAll(async () => {
    await gateway?.close();
    await locker?.end();
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop(), influx?.drop()]);
  });

  const metric = async (name: string): Promise<number> => {
    const values = (await cloud.metrics.registry.getSingleMetric(name)!.get()).values;
    return values.reduce((sum, value) => sum + value.value, 0);
  };
  /** The devices of the gateway's stored readings: each reading of the test is of a device of its own. */
  const storedDevices = async (): Promise<string[]> => {
    const client = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(influx.url).port), database: influx.database });
    const rows = await client.query<{ device_id: string }>(`SELECT "value", "device_id" FROM readings WHERE gateway_id = '${gatewayId}'`);
    return rows.map((row) => row.device_id).sort();
  };

  it('refuses only the item InfluxDB refuses in a grouped write, and stores every other item of every message in it', async () => {
    const conflictAt = Date.now() - 30 * 24 * 3600_000;
    const line = `readings,gateway_id=${gatewayId},estate_id=test-estate,device_id=meter-conflict,point=energy_total value="text" ${conflictAt}`;
    expect((await fetch(new URL(`/write?db=${influx.database}&precision=ms`, influx.url), { method: 'POST', body: line })).status).toBe(204);
    const poisonedMessage = Math.floor(MESSAGES / 2);
    const seqs: number[] = [];
    const goodDevices: string[] = [];
    let poisonedSeq = 0;
    const splitBefore = await metric('estatecare_ingest_grouped_writes_split_total');

    await locker.query('BEGIN');
    await locker.query('LOCK TABLE gateways IN ACCESS EXCLUSIVE MODE');
    try {
      const published: Array<Promise<void>> = [];
      for (let message = 0; message < MESSAGES; message++) {
        const items = Array.from({ length: READINGS_PER_MESSAGE }, (_, i) => readingItem({ device_id: `meter-${message}-${i}`, at: Date.now() }));
        if (message === poisonedMessage) items[7] = readingItem({ device_id: 'meter-poisoned', at: conflictAt + 1 });
        goodDevices.push(...items.filter((_, i) => !(message === poisonedMessage && i === 7)).map((item) => item.device_id));
        const envelope = gateway.envelope(items);
        seqs.push(envelope.seq as number);
        if (message === poisonedMessage) poisonedSeq = envelope.seq as number;
        published.push(gateway.publish('telemetry', envelope));
      }
      await Promise.all(published);
      await eventually('every telemetry message in flight in the cloud', () => cloud.messagesInFlight >= MESSAGES);
    } finally {
      await locker.query('ROLLBACK');
    }

    await eventually('a receipt for every telemetry message', () => gateway.receipts.filter((receipt) => seqs.includes(receipt.seq)).length === MESSAGES);
    for (const receipt of gateway.receipts) {
      expect(receipt).toEqual(receipt.seq === poisonedSeq ? { seq: poisonedSeq, outcome: 'stored', refused: { data_exception: 1 } } : { seq: receipt.seq, outcome: 'stored' });
    }
    // The poisoned message's good points lie in another shard group than the conflict; InfluxDB 1.x
    // answers a partial write at the first shard's error and may store them just after.
    expect(await eventually('every good reading stored', async () => {
      const devices = await storedDevices();
      return devices.length >= goodDevices.length && devices;
    })).toEqual(goodDevices.sort());
    expect(await cloud.metrics.itemsRefusedCount('data_exception')).toBe(1);
    // The refused write was a grouped one, written again message by message.
    expect(await metric('estatecare_ingest_grouped_writes_split_total')).toBeGreaterThan(splitBefore);
  });
});
