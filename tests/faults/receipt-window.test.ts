import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { decodeMessage, subscriptionFor } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { EnvelopeFactory } from '../../edge/uplink/envelope-factory.js';
import { MAX_AWAITED_TELEMETRY_ITEMS, UplinkClient } from '../../edge/uplink/uplink-client.js';
import { OBSERVER, startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { eventually } from '../support/net.js';
import { alertItem, readingItem, uniqueSlug } from '../support/wire-fixtures.js';
import { startTestCloud } from '../support/test-cloud.js';

const READINGS = 3 * MAX_AWAITED_TELEMETRY_ITEMS;

/**
 * While the cloud does not answer, the gateway keeps at most MAX_AWAITED_TELEMETRY_ITEMS readings
 * sent and unconfirmed (they are held in memory until their receipt), yet an alert still goes out at
 * once; when the cloud answers, the backlog drains and the outbox empties.
 */
describe('the window of readings awaiting a receipt', () => {
  const gatewayId = uniqueSlug('gw-window');
  const passwords = { [gatewayId]: 'pw-window-gw1', [SERVICE_USERNAME]: 'pw-window-cloud' };
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-receipt-window-'));
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let observer: MqttClient;
  let outbox: SqliteOutbox;
  let uplink: UplinkClient;
  let cloud: Cloud | null = null;
  let sql: pg.Client;
  const seen = { telemetry: 0, alerts: 0 };

  beforeAll(async () => {
    [mosquitto, postgres] = await Promise.all([startMosquitto(passwords, { observer: true }), createTestPostgresDatabase()]);
    sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();
    observer = await mqtt.connectAsync(mosquitto.url, { ...OBSERVER, clientId: uniqueSlug('observer') });
    observer.on('message', (topic, payload) => {
      const decoded = decodeMessage(topic, payload);
      if (decoded.channel === 'telemetry') seen.telemetry += decoded.message.items.length;
      if (decoded.channel === 'alerts') seen.alerts += decoded.message.items.length;
    });
    await observer.subscribeAsync([subscriptionFor('telemetry'), subscriptionFor('alerts')], { qos: 1 });
    outbox = new SqliteOutbox(join(dir, 'outbox.sqlite'));
    uplink = new UplinkClient({
      url: mosquitto.url,
      username: gatewayId,
      password: passwords[gatewayId],
      keepaliveS: 30,
      reconnectPeriodMs: 100,
      receipts: { timeoutMs: 600_000, maxTimeoutMs: 600_000 },
      outbox,
      envelopes: new EnvelopeFactory(gatewayId, systemClock),
      logger: silentLogger(),
    });
    await uplink.start();
    await eventually('the uplink to connect', () => uplink.connected);
  });

  afterAll(async () => {
    await uplink?.stop();
    outbox?.close();
    await cloud?.stop();
    await observer?.endAsync(true);
    await sql?.end();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds telemetry at the window while unanswered, lets an alert through, and drains once the cloud answers', { timeout: 90_000 }, async () => {
    const base = Date.now();
    for (let start = 0; start < READINGS; start += 1000) {
      await outbox.append('telemetry', Array.from({ length: 1000 }, (_, i) => readingItem({ device_id: 'meter-w', at: base + start + i })));
    }
    uplink.kick();
    await eventually('the window to fill', () => seen.telemetry >= MAX_AWAITED_TELEMETRY_ITEMS);

    const alert = alertItem({ subject: { kind: 'asset', id: 'lift-w' }, category: 'lift_fault', severity: 'major', rule: 'lift_fault_code', at: Date.now() });
    await outbox.append('alerts', [alert]);
    uplink.kick();
    await eventually('the alert past the full window', () => seen.alerts === 1);
    // One connection delivers in order (MQTT-4.6.0-6): a reading sent beyond the window before the
    // alert, at either kick, would have reached the observer before it.
    expect(seen.telemetry).toBe(MAX_AWAITED_TELEMETRY_ITEMS);
    expect((await outbox.stats()).depth).toBe(READINGS + 1);

    cloud = await startTestCloud({ brokerUrl: mosquitto.url, servicePassword: passwords[SERVICE_USERNAME], databaseUrl: postgres.url, gatewayIds: [gatewayId] });
    // The readings sent before the cloud's session existed went nowhere; the receipt timeout (long
    // here) would resend them. A reconnect resends at once, as after any outage.
    await mosquitto.restart();
    await eventually('the outbox to empty', async () => (await outbox.stats()).depth === 0, 60_000);
    const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM readings WHERE gateway_id = $1', [gatewayId]);
    expect(Number(rows[0]!.n)).toBe(READINGS);
    const tickets = await sql.query('SELECT 1 FROM tickets WHERE episode_id = $1', [alert.episode_id]);
    expect(tickets.rowCount).toBe(1);
  });
});
