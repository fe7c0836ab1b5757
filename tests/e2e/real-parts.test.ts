import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { InfluxDB } from 'influx';
import { validateConfig } from '../../shared/config/load-config.js';
import { MAX_MESSAGE_BYTES } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { createTestInfluxDatabase, type TestInfluxDatabase } from '../support/influxdb.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { alertItem, eventItem, uniqueSlug } from '../support/wire-fixtures.js';
import { eventually } from '../support/net.js';
import { PROFILES_DIR, tempDataDir } from '../edge/edge-fixtures.js';
import { startTestCloud } from '../support/test-cloud.js';
import { connectTestDevice, testDeviceCredentials } from '../support/device-logins.js';
import { bearer, supervisorToken } from '../support/staff-tokens.js';

/**
 * The production path end to end: a device publishes into the gateway's local broker; the gateway
 * sends through a real Mosquitto run with deploy/mosquitto's config and ACL; the cloud ingests into
 * real PostgreSQL (tickets) and real InfluxDB (events).
 */
describe('end to end on real parts: Mosquitto, PostgreSQL, InfluxDB', () => {
  const gatewayId = uniqueSlug('gw-e2e');
  const otherGatewayId = uniqueSlug('gw-other');
  const unregisteredGatewayId = uniqueSlug('gw-unregistered');
  const passwords = { [gatewayId]: 'pw-gateway-1234', [otherGatewayId]: 'pw-other-12345', [unregisteredGatewayId]: 'pw-unreg-12345', [SERVICE_USERNAME]: 'pw-cloud-12345' };
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let influx: TestInfluxDatabase;
  let cloud: Cloud;
  let gateway: Gateway;
  let sql: pg.Client;

  beforeAll(async () => {
    [mosquitto, postgres, influx] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase(), createTestInfluxDatabase()]);
    cloud = await startTestCloud({
      brokerUrl: mosquitto.url,
      servicePassword: passwords[SERVICE_USERNAME]!,
      databaseUrl: postgres.url,
      influx: { url: influx.url, database: influx.database },
      gatewayIds: [gatewayId, otherGatewayId],
    });
    const gatewayConfig = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: gatewayId },
        data_dir: tempDataDir(),
        uplink: { url: mosquitto.url, password: passwords[gatewayId] },
        local_broker: { embedded: true, host: '127.0.0.1', port: 0, device_credentials: testDeviceCredentials(['lift-b2-a']) },
        devices: [{ id: 'lift-b2-a', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-b2-a' }, mqtt: { topic: 'estate/b2/lift-a' } }],
      },
      'test gateway config',
    );
    gateway = createGateway(gatewayConfig, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await gateway.start();
    sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await gateway?.stop();
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop(), influx?.drop()]);
  });

  const ticketRows = async (forGateway: string) =>
    (await sql.query<{ id: string; episode_id: string; type: string; priority: string; status: string; subject_id: string }>(
      'SELECT id, episode_id, type, priority, status, subject_id FROM tickets WHERE gateway_id = $1',
      [forGateway],
    )).rows;

  it('turns a lift alarm pressed on the estate into a P1 ticket row in PostgreSQL and an event in InfluxDB', async () => {
    const device = await connectTestDevice(gateway.localBrokerUrl, 'lift-b2-a');
    const time = new Date().toISOString();
    await device.publishAsync('estate/b2/lift-a', JSON.stringify({ time, seq: 1, car_status: 0, door_zone: 2, door_status: 1, passenger_status: 1 }), { qos: 1 });
    await device.publishAsync('estate/b2/lift-a', JSON.stringify({ time, seq: 2, event_code: 90 }), { qos: 1 });
    await device.endAsync();

    const [ticket] = await eventually('a ticket row in PostgreSQL', async () => {
      const rows = await ticketRows(gatewayId);
      return rows.length > 0 ? rows : undefined;
    });
    expect(ticket).toMatchObject({ type: 'lift_entrapment', priority: 'P1', status: 'open', subject_id: 'lift-b2-a' });
    // Dispatch runs after the ticket is committed. The supervisor account made below to read the
    // ticket would be the one it falls back to (cloud/dispatch/dispatch-people.ts), so it is made
    // only once dispatch has found nobody at work in the estate.
    await eventually('dispatch in the ticket audit', async () => {
      const { rows } = await sql.query<{ action: string }>('SELECT action FROM ticket_audit WHERE ticket_id = $1', [ticket!.id]);
      return rows.length > 1 ? rows : undefined;
    });

    const influxClient = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(influx.url).port), database: influx.database });
    const events = await eventually('the alarm event in InfluxDB', async () => {
      const rows = await influxClient.query<{ type: string; device_id: string }>(
        `SELECT * FROM events WHERE gateway_id = '${gatewayId}' AND "type" = 'lift_alarm_button'`,
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'lift_alarm_button', device_id: 'lift-b2-a' });

    const headers = bearer(await supervisorToken(cloud.database, 'test-estate'));
    const response = await fetch(`${cloud.apiUrl}/api/v1/tickets/${ticket!.id}`, { headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ticket: { priority: string; reason: { zh: string } }; audit: Array<{ action: string }> };
    expect(body.ticket.priority).toBe('P1');
    expect(body.ticket.reason.zh).toContain('报警');
    expect(body.audit[0]?.action).toBe('opened');
    // Nobody worked in the estate when it opened: dispatch says so in the trail, and it stays open for whoever takes it.
    const trail = await eventually('dispatch in the audit trail', async () => {
      const actions = ((await (await fetch(`${cloud.apiUrl}/api/v1/tickets/${ticket!.id}`, { headers })).json()) as typeof body).audit.map((entry) => entry.action);
      return actions.length > 1 ? actions : undefined;
    });
    expect(trail).toEqual(['opened', 'dispatch_failed']);
  });

  it('opens no second ticket when the same alert is delivered twice (a QoS 1 redelivery)', async () => {
    const publisher = await GatewayPublisher.connect(mosquitto.url, otherGatewayId, passwords[otherGatewayId]!);
    const alert = alertItem({ subject: { kind: 'asset', id: 'lift-c1' }, category: 'lift_fault', severity: 'major', rule: 'lift_fault_code' });
    const message = publisher.envelope([alert]);
    await publisher.publish('alerts', message);
    await publisher.publish('alerts', message);
    const replay = publisher.envelope([alert]); // a replay under a new sequence number
    await publisher.publish('alerts', replay);
    // Each copy is answered "stored": the gateway may delete it, whichever copy got through.
    expect(await publisher.receiptOf(message.seq as number)).toEqual({ seq: message.seq, outcome: 'stored' });
    expect(await publisher.receiptOf(replay.seq as number)).toEqual({ seq: replay.seq, outcome: 'stored' });
    await publisher.close();
    await eventually('the ingest of all three deliveries', async () => (await cloud.metrics.acceptedCount('alerts')) >= 4);
    const rows = (await ticketRows(otherGatewayId)).filter((row) => row.episode_id === alert.episode_id);
    expect(rows).toHaveLength(1);
  });

  describe('bad input is rejected and counted, and later good messages still land', () => {
    let publisher: GatewayPublisher;
    beforeAll(async () => {
      publisher = await GatewayPublisher.connect(mosquitto.url, otherGatewayId, passwords[otherGatewayId]!);
    });
    afterAll(async () => publisher?.close());

    /** Sends a good event after the bad message and waits for it, so the order proves ingest went on. */
    async function expectStillIngesting(): Promise<void> {
      const good = eventItem({ device_id: 'door-c1', subject: { kind: 'asset', id: 'c1-entrance' }, at: Date.now() });
      const envelope = publisher.envelope([good]);
      await publisher.publish('events', envelope);
      expect(await publisher.receiptOf(envelope.seq as number)).toMatchObject({ outcome: 'stored' });
      const influxClient = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(influx.url).port), database: influx.database });
      await eventually('the good event after the bad one', async () => {
        const rows = await influxClient.query(`SELECT * FROM events WHERE gateway_id = '${otherGatewayId}' AND "id" = '${good.id}'`);
        return rows.length === 1;
      });
    }

    async function expectRejected(reason: Parameters<Cloud['metrics']['rejectedCount']>[0], send: () => Promise<void>): Promise<void> {
      const before = await cloud.metrics.rejectedCount(reason);
      await send();
      await eventually(`a rejection counted as ${reason}`, async () => (await cloud.metrics.rejectedCount(reason)) === before + 1);
      await expectStillIngesting();
    }

    it('a payload that is not JSON (no seq to answer, so no receipt)', async () => {
      const receiptsBefore = publisher.receipts.length;
      await expectRejected('not_json', () => publisher.publish('events', '{"schema_version": 1, "items": ['));
      // Only the good event's receipt came back.
      expect(publisher.receipts.slice(receiptsBefore).map((receipt) => receipt.outcome)).toEqual(['stored']);
    });

    it('an oversized payload, answered with a rejected receipt when its seq can be read', async () => {
      const seq = publisher.nextSeq;
      const oversized = JSON.stringify(publisher.envelope([eventItem()], { padding: 'x'.repeat(MAX_MESSAGE_BYTES) }));
      await expectRejected('too_large', () => publisher.publish('events', oversized));
      expect(await publisher.receiptOf(seq)).toEqual({ seq, outcome: 'rejected', reason: 'too_large' });
    });

    it('a payload that violates the schema, answered with a rejected receipt naming the reason', async () => {
      const bad = publisher.envelope([{ ...eventItem(), event_time: 'yesterday' }]);
      await expectRejected('schema_violation', () => publisher.publish('events', bad));
      expect(await publisher.receiptOf(bad.seq as number)).toEqual({ seq: bad.seq, outcome: 'rejected', reason: 'schema_violation' });
    });

    it('a payload that names another gateway than its topic', async () => {
      const alert = alertItem();
      const spoof = publisher.envelope([alert], { gateway_id: gatewayId });
      await expectRejected('gateway_mismatch', () => publisher.publish('alerts', spoof));
      expect((await ticketRows(gatewayId)).some((row) => row.episode_id === alert.episode_id)).toBe(false);
      // The receipt goes to the gateway the topic names, which the broker ACL vouches for.
      expect(await publisher.receiptOf(spoof.seq as number)).toEqual({ seq: spoof.seq, outcome: 'rejected', reason: 'gateway_mismatch' });
    });

    it('a gateway the registry does not know gets no receipt, so it keeps its data until it is registered', async () => {
      const stranger = await GatewayPublisher.connect(mosquitto.url, unregisteredGatewayId, passwords[unregisteredGatewayId]!);
      await expectRejected('unknown_gateway', () => stranger.publish('alerts', stranger.envelope([alertItem()])));
      // expectStillIngesting waited for a later receipt; receipts of one flush go out together.
      expect(stranger.receipts).toEqual([]);
      await stranger.close();
    });

    it('a gateway writing under another gateway id is stopped by the broker ACL', async () => {
      const alert = alertItem({ subject: { kind: 'asset', id: 'lift-spoofed' } });
      // Topic and payload both name the victim, but the credential is otherGatewayId's.
      await publisher.publish('alerts', publisher.envelope([alert], { gateway_id: gatewayId }), gatewayId);
      await expectStillIngesting();
      expect((await ticketRows(gatewayId)).some((row) => row.episode_id === alert.episode_id)).toBe(false);
    });
  });
});
