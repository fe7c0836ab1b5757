import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { CloudConfigSchema } from '../../cloud/config/cloud-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { alertItem } from '../support/wire-fixtures.js';
import { eventually } from '../support/net.js';
import { PROFILES_DIR } from '../edge/edge-fixtures.js';
import { connectTestDevice, testDeviceCredentials } from '../support/device-logins.js';
import { bearer, supervisorToken } from '../support/staff-tokens.js';

interface TicketList {
  tickets: Array<{ id: string; episode_id: string; type: string; gateway_id: string; subject: { id: string } }>;
}

/** The embedded defaults of `npm start`, in process: aedes as the cloud broker, PGlite, SQL telemetry. */
describe('end to end on embedded defaults: aedes, PGlite, SQL telemetry', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'estatecare-embedded-'));
  const gatewayId = 'gw-embedded-1';
  const otherGatewayId = 'gw-embedded-2';
  const passwords = { [gatewayId]: 'pw-embedded-one', [otherGatewayId]: 'pw-embedded-two' };
  let cloud: Cloud;
  let gateway: Gateway;
  /** A supervisor of the estate: sees every ticket type and the gateways. */
  let supervisor: { authorization: string };

  beforeAll(async () => {
    cloud = new Cloud(
      validateConfig(
        CloudConfigSchema,
        {
          broker: { embedded: true, host: '127.0.0.1', port: 0 },
          database: { pglite_dir: join(dataDir, 'db') },
          telemetry: { backend: 'sql' },
          api: { host: '127.0.0.1', port: 0 },
          registry: {
            estates: [{ id: 'embedded-estate', name: 'Embedded', gateways: [{ id: gatewayId, password: passwords[gatewayId] }, { id: otherGatewayId, password: passwords[otherGatewayId] }] }],
          },
        },
        'test cloud config',
      ),
      { logger: silentLogger() },
    );
    await cloud.start();
    supervisor = bearer(await supervisorToken(cloud.database, 'embedded-estate'));
    gateway = createGateway(
      validateConfig(
        GatewayConfigSchema,
        {
          gateway: { id: gatewayId },
          data_dir: join(dataDir, 'gateway'),
          uplink: { url: cloud.brokerUrl, password: passwords[gatewayId], status_interval_s: 1 },
          local_broker: { embedded: true, host: '127.0.0.1', port: 0, device_credentials: testDeviceCredentials(['lift-e1']) },
          devices: [{ id: 'lift-e1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-e1' }, mqtt: { topic: 'estate/e/lift-1' } }],
        },
        'test gateway config',
      ),
      { logger: silentLogger(), profilesDir: PROFILES_DIR },
    );
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await cloud?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const tickets = async (): Promise<TicketList['tickets']> => {
    const response = await fetch(`${cloud.apiUrl}/api/v1/tickets?limit=200`, { headers: supervisor });
    expect(response.status).toBe(200);
    return ((await response.json()) as TicketList).tickets;
  };

  it('turns a lift alarm on the estate into a ticket', async () => {
    const device = await connectTestDevice(gateway.localBrokerUrl, 'lift-e1');
    await device.publishAsync('estate/e/lift-1', JSON.stringify({ time: new Date().toISOString(), seq: 1, event_code: 90 }), { qos: 1 });
    await device.endAsync();
    const ticket = await eventually('a ticket on the API', async () => (await tickets()).find((t) => t.gateway_id === gatewayId));
    expect(ticket).toMatchObject({ type: 'lift_entrapment', subject: { id: 'lift-e1' } });
    // The cloud's receipts empty the gateway's outbox, and its status says everything was delivered.
    const status = await eventually('the gateway status with an empty outbox', async () => {
      const body = (await (await fetch(`${cloud.apiUrl}/api/v1/gateways/${gatewayId}`, { headers: supervisor })).json()) as { uplink: string; watermark: string | null; outbox: { depth: number; awaiting_receipt: number } | null };
      return body.outbox?.depth === 0 && body.watermark !== null ? body : undefined;
    });
    expect(status).toMatchObject({ uplink: 'online', outbox: { depth: 0, awaiting_receipt: 0 } });
    // Its dispatch timer fired (nobody works here, so it is logged, not sent), and /metrics counts it.
    const metrics = await eventually('the dispatch counted in /metrics', async () => {
      const body = await (await fetch(`${cloud.apiUrl}/metrics`)).text();
      return /estatecare_ticket_timers_fired_total\{chain="dispatch"\} [1-9]/.test(body) ? body : undefined;
    });
    expect(metrics).toContain('estatecare_notification_attempts_total');
  });

  it('opens no second ticket when the same alert is delivered twice', async () => {
    const publisher = await GatewayPublisher.connect(cloud.brokerUrl, otherGatewayId, passwords[otherGatewayId]!);
    const alert = alertItem({ subject: { kind: 'asset', id: 'lift-e2' }, category: 'lift_fault', rule: 'lift_fault_code' });
    const message = publisher.envelope([alert]);
    await publisher.publish('alerts', message);
    await publisher.publish('alerts', message);
    // Ingest receipts each delivery once it has stored it (or found it stored).
    await eventually('both deliveries receipted', () => publisher.receipts.filter((receipt) => receipt.seq === message.seq).length === 2);
    await publisher.close();
    expect((await tickets()).filter((t) => t.episode_id === alert.episode_id)).toHaveLength(1);
  });

  it('refuses a gateway with a wrong password', async () => {
    await expect(mqtt.connectAsync(cloud.brokerUrl, { username: gatewayId, password: 'not-the-password', reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password/i);
  });

  it('refuses a gateway that writes under another gateway id', async () => {
    const publisher = await GatewayPublisher.connect(cloud.brokerUrl, otherGatewayId, passwords[otherGatewayId]!);
    const alert = alertItem({ subject: { kind: 'asset', id: 'lift-spoofed' } });
    // aedes answers a refused publish by closing the connection: the spoofing client is cut off
    // and its PUBACK never comes.
    void publisher.publish('alerts', publisher.envelope([alert], { gateway_id: gatewayId }), gatewayId).catch(() => undefined);
    await eventually('the broker to cut the spoofing gateway off', () => !publisher.connected);
    await publisher.close();
    const verifier = await GatewayPublisher.connect(cloud.brokerUrl, otherGatewayId, passwords[otherGatewayId]!);
    const marker = alertItem({ subject: { kind: 'asset', id: 'lift-marker' } });
    await verifier.publish('alerts', verifier.envelope([marker]));
    await verifier.close();
    await eventually('the marker ticket', async () => (await tickets()).some((t) => t.episode_id === marker.episode_id));
    expect((await tickets()).some((t) => t.episode_id === alert.episode_id)).toBe(false);
  });
});
