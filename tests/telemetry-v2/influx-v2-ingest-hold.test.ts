import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { CloudConfigSchema } from '../../cloud/config/cloud-config.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { InfluxV2TelemetryStore, WRITE_ATTEMPTS } from '../../cloud/telemetry/influx-v2-telemetry-store.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { createTestInfluxDatabase, type TestInfluxDatabase } from '../support/influxdb.js';
import { readingItem, uniqueSlug } from '../support/wire-fixtures.js';
import { InfluxV2Receiver } from './influx-v2-receiver.js';

const TOKEN = 'ingest-token';
const ORG = 'estatecare';

/**
 * Ingest on the v2 write API holds a message back while InfluxDB cannot write (5xx, a refused
 * token) and receipts it only once stored, as on the other stores. The cloud, Mosquitto and
 * PostgreSQL are real; InfluxDB 2.x is the receiver in front of the real InfluxDB 1.x. Each step
 * waits on a write arriving or a receipt, never on a clock.
 */
describe('ingest on the InfluxDB v2 write API while InfluxDB fails', () => {
  const gatewayId = uniqueSlug('gw-v2');
  const passwords = { [gatewayId]: 'pw-gateway-v2', [SERVICE_USERNAME]: 'pw-cloud-v2' };
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let influx: TestInfluxDatabase;
  let receiver: InfluxV2Receiver;
  let cloud: Cloud;
  let publisher: GatewayPublisher;

  beforeAll(async () => {
    [mosquitto, postgres, influx] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase(), createTestInfluxDatabase()]);
    receiver = await InfluxV2Receiver.start({ token: TOKEN, org: ORG, bucket: influx.database, backendUrl: influx.url });
    const config = validateConfig(
      CloudConfigSchema,
      {
        broker: { embedded: false, url: mosquitto.url, username: SERVICE_USERNAME, password: passwords[SERVICE_USERNAME], client_id: uniqueSlug('ingest') },
        database: { url: postgres.url },
        telemetry: { backend: 'influxdb2', influxdb2: { url: receiver.url, token: TOKEN, org: ORG, bucket: influx.database } },
        api: { host: '127.0.0.1', port: 0 },
        registry: { estates: [{ id: 'v2-estate', name: 'V2 Gardens', gateways: [{ id: gatewayId }] }] },
      },
      'v2 ingest test config',
    );
    cloud = new Cloud(config, { logger: silentLogger() });
    await cloud.start();
    publisher = await GatewayPublisher.connect(mosquitto.url, gatewayId, passwords[gatewayId]!);
  });

  afterAll(async () => {
    await publisher?.close();
    await cloud?.stop();
    await receiver?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop(), influx?.drop()]);
  });

  const storageRetries = async (): Promise<number> =>
    (await cloud.metrics.registry.getSingleMetric('estatecare_ingest_storage_retries_total')!.get()).values.reduce((sum, v) => sum + v.value, 0);

  it('holds telemetry back through 5xx answers and a refused token, then stores it and sends the receipt', { timeout: 60_000 }, async () => {
    const retriesBefore = await storageRetries();
    const failures = [
      ...Array.from({ length: WRITE_ATTEMPTS }, () => ({ status: 500, body: { code: 'internal error', message: 'engine: timeout' } })),
      { status: 401, body: { code: 'unauthorized', message: 'unauthorized access' } },
    ];
    receiver.answerNext(...failures);
    const writesBefore = receiver.writes.length;
    const readings = [readingItem({ at: Date.now() - 1_000 }), readingItem({ point: 'power', unit: 'W', value: 4.5, at: Date.now() - 500 })];
    const envelope = publisher.envelope(readings);
    await publisher.publish('telemetry', envelope);

    await receiver.writesReceived(writesBefore + failures.length);
    // The last scripted failure has just been answered: nothing can have been stored yet.
    expect(publisher.receipts).toEqual([]);
    expect(await publisher.receiptOf(envelope.seq as number, 30_000)).toEqual({ seq: envelope.seq, outcome: 'stored' });
    expect(receiver.writes.length).toBe(writesBefore + failures.length + 1);
    expect(await storageRetries()).toBe(retriesBefore + 2);
    const store = new InfluxV2TelemetryStore({ url: receiver.url, token: TOKEN, org: ORG, bucket: influx.database });
    const stored = await store.queryReadings({ from: Date.now() - 60_000, to: Date.now() + 1, gatewayId });
    expect(stored.map((r) => [r.point, r.value])).toEqual(readings.map((r) => [r.point, r.value]));
    expect(receiver.violations).toEqual([]);
  });
});
