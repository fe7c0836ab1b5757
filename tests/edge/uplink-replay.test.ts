import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/load-config.js';
import { decodeMessage, type DecodedMessage } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { PROFILES_DIR, tempDataDir } from './edge-fixtures.js';
import { recordingLogger } from '../support/recording-logger.js';
import { connectTestDevice, testDeviceCredentials } from '../support/device-logins.js';
import { eventually } from '../support/net.js';

/** A cloud broker the test can take down and bring back on the same port: aedes in process. */
async function cloudBroker(port: number, seen: DecodedMessage[]): Promise<{ port: number; close: () => Promise<void> }> {
  const broker = new Aedes();
  await broker.listen();
  broker.on('publish', (packet, client) => {
    if (client && packet.topic.startsWith('estatecare/')) seen.push(decodeMessage(packet.topic, packet.payload as Buffer));
  });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('uplink outage', () => {
  let gateway: Gateway | null = null;
  let closeBroker: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await gateway?.stop();
    await closeBroker?.();
  });

  it('keeps what arrives while the cloud is unreachable and delivers it, alerts first, after the reconnect', async () => {
    const seen: DecodedMessage[] = [];
    const first = await cloudBroker(0, seen);
    closeBroker = first.close;
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: 'test-replay-gw' },
        data_dir: tempDataDir(),
        uplink: { url: `mqtt://127.0.0.1:${first.port}`, reconnect_period_ms: 100 },
        local_broker: { embedded: true, port: 0, device_credentials: testDeviceCredentials(['lift-1']) },
        devices: [{ id: 'lift-1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-1' }, mqtt: { topic: 'lift/1' } }],
      },
      'test',
      { env: {} },
    );
    gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await gateway.start();
    await eventually('the first online status', () => seen.some((m) => m.channel === 'status'));

    await first.close();
    closeBroker = null;
    const device = await connectTestDevice(gateway.localBrokerUrl, 'lift-1');
    const time = new Date().toISOString();
    await device.publishAsync('lift/1', JSON.stringify({ time, seq: 1, car_status: 0, door_zone: 2, passenger_status: 1 }), { qos: 1 });
    await device.publishAsync('lift/1', JSON.stringify({ time, seq: 2, event_code: 90 }), { qos: 1 });
    await device.endAsync();
    await eventually('the alert at the edge', () => gateway!.stats().alerts === 1);

    seen.length = 0;
    const second = await cloudBroker(first.port, seen);
    closeBroker = second.close;
    await eventually('the replayed items', () => ['alerts', 'events', 'telemetry'].every((c) => seen.some((m) => m.channel === c)));
    const itemChannels = seen.filter((m) => m.channel !== 'status').map((m) => m.channel);
    expect(itemChannels).toEqual(['alerts', 'events', 'telemetry']);
    const status = seen.find((m): m is Extract<DecodedMessage, { channel: 'status' }> => m.channel === 'status');
    expect(status?.message.status.online).toBe(true);
  });

  it('sends an alert in flight when the connection dropped once more, from its outbox only: the MQTT client replays no copy of its own', async () => {
    const seen: DecodedMessage[] = [];
    const broker = new Aedes();
    await broker.listen();
    // The alert's first publish reaches the broker, which never answers it: no PUBACK, as when the
    // connection breaks right after the packet left.
    let holdAlerts = false;
    const held: string[] = [];
    broker.authorizePublish = (_client, packet, callback) => {
      if (holdAlerts && packet.topic.endsWith('/alerts')) held.push(packet.topic);
      else callback(null);
    };
    broker.on('publish', (packet, client) => {
      if (client && packet.topic.startsWith('estatecare/')) seen.push(decodeMessage(packet.topic, packet.payload as Buffer));
    });
    const gatewayConnections: Array<{ close: () => void }> = [];
    broker.on('client', (client) => gatewayConnections.push(client));
    const server: Server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closeBroker = async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: 'test-no-replay-gw' },
        data_dir: tempDataDir(),
        uplink: { url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, reconnect_period_ms: 100 },
        local_broker: { embedded: true, port: 0, device_credentials: testDeviceCredentials(['lift-1']) },
        devices: [{ id: 'lift-1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-1' }, mqtt: { topic: 'lift/1' } }],
      },
      'test',
      { env: {} },
    );
    gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await gateway.start();
    await eventually('the first online status', () => seen.some((m) => m.channel === 'status'));

    holdAlerts = true;
    const device = await connectTestDevice(gateway.localBrokerUrl, 'lift-1');
    const time = new Date().toISOString();
    await device.publishAsync('lift/1', JSON.stringify({ time, seq: 1, car_status: 0, door_zone: 2, passenger_status: 1 }), { qos: 1 });
    await device.publishAsync('lift/1', JSON.stringify({ time, seq: 2, event_code: 90 }), { qos: 1 });
    await device.endAsync();
    await eventually('the alert held at the broker', () => held.length === 1);
    holdAlerts = false;
    gatewayConnections.splice(0).forEach((connection) => connection.close());

    // After the reconnect the outbox sends the alert again. A copy replayed by the client would come
    // first on the connection: the client sends its stored publishes before any new one.
    const alerts = await eventually('the alert after the reconnect', () => {
      const found = seen.filter((m): m is Extract<DecodedMessage, { channel: 'alerts' }> => m.channel === 'alerts');
      return found.length > 0 ? found : undefined;
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message.items).toHaveLength(1);
    expect(alerts[0]!.message.items[0]!.category).toBe('lift_entrapment');
  });

  it('starts and stops while the cloud broker cannot be reached at all', async () => {
    const unused = await cloudBroker(0, []);
    await unused.close();
    const config = validateConfig(
      GatewayConfigSchema,
      { gateway: { id: 'test-offline-gw' }, data_dir: tempDataDir(), uplink: { url: `mqtt://127.0.0.1:${unused.port}`, reconnect_period_ms: 100 }, local_broker: { embedded: true, port: 0 } },
      'test',
      { env: {} },
    );
    const log = recordingLogger('warn');
    const offline = createGateway(config, { logger: log.logger, profilesDir: PROFILES_DIR });
    await offline.start();
    // Two refused connection attempts: the first one, and a reconnect after it.
    const refused = await log.waitFor('uplink connection error', 2);
    expect(refused.map((line) => (line.err as { code?: string }).code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    await offline.stop();
    expect(log.lines.filter((line) => line.level >= 50)).toEqual([]); // nothing logged as an error
  });
});
