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
async function cloudBroker(
  port: number,
  seen: DecodedMessage[],
  options: { authorizePublish?: Aedes['authorizePublish']; onClient?: (client: { close: () => void }) => void } = {},
): Promise<{ port: number; close: () => Promise<void> }> {
  const broker = new Aedes();
  await broker.listen();
  if (options.authorizePublish) broker.authorizePublish = options.authorizePublish;
  if (options.onClient) broker.on('client', options.onClient);
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

/** A gateway with one MQTT lift monitor (lift-1 on lift/1), its uplink to the broker on `port`. */
function liftGateway(gatewayId: string, port: number): Gateway {
  const config = validateConfig(
    GatewayConfigSchema,
    {
      gateway: { id: gatewayId },
      data_dir: tempDataDir(),
      uplink: { url: `mqtt://127.0.0.1:${port}`, reconnect_period_ms: 100 },
      local_broker: { embedded: true, port: 0, device_credentials: testDeviceCredentials(['lift-1']) },
      devices: [{ id: 'lift-1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-1' }, mqtt: { topic: 'lift/1' } }],
    },
    'test',
    { env: {} },
  );
  return createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
}

/** lift-1 reports an empty car, then its alarm button pressed: an entrapment alert. */
async function pressLiftAlarm(gateway: Gateway): Promise<void> {
  const device = await connectTestDevice(gateway.localBrokerUrl, 'lift-1');
  const time = new Date().toISOString();
  await device.publishAsync('lift/1', JSON.stringify({ time, seq: 1, car_status: 0, door_zone: 2, passenger_status: 1 }), { qos: 1 });
  await device.publishAsync('lift/1', JSON.stringify({ time, seq: 2, event_code: 90 }), { qos: 1 });
  await device.endAsync();
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
    gateway = liftGateway('test-replay-gw', first.port);
    await gateway.start();
    await eventually('the first online status', () => seen.some((m) => m.channel === 'status'));

    await first.close();
    closeBroker = null;
    await pressLiftAlarm(gateway);
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
    // The alert's first publish reaches the broker, which never answers it: no PUBACK, as when the
    // connection breaks right after the packet left.
    let holdAlerts = false;
    const heldSeqs: number[] = [];
    const connections: Array<{ close: () => void }> = [];
    const broker = await cloudBroker(0, seen, {
      authorizePublish: (_client, packet, callback) => {
        if (holdAlerts && packet.topic.endsWith('/alerts')) heldSeqs.push(decodeMessage(packet.topic, packet.payload as Buffer).message.seq);
        else callback(null);
      },
      onClient: (client) => connections.push(client),
    });
    closeBroker = broker.close;
    gateway = liftGateway('test-no-replay-gw', broker.port);
    await gateway.start();
    await eventually('the first online status', () => seen.some((m) => m.channel === 'status'));

    holdAlerts = true;
    await pressLiftAlarm(gateway);
    await eventually('the alert held at the broker', () => heldSeqs.length === 1);
    holdAlerts = false;
    connections.splice(0).forEach((connection) => connection.close());

    // After the reconnect the outbox sends the alert again, in an envelope of its own. A copy
    // replayed by the client (the held envelope, its seq) would come before it on the connection:
    // the client sends its stored publishes before any new one.
    const alerts = (): Array<Extract<DecodedMessage, { channel: 'alerts' }>> => seen.filter((m): m is Extract<DecodedMessage, { channel: 'alerts' }> => m.channel === 'alerts');
    await eventually("the outbox's envelope of the alert", () => alerts().some((m) => m.message.seq !== heldSeqs[0]));
    expect(alerts().map((m) => m.message.seq === heldSeqs[0])).toEqual([false]);
    expect(alerts()[0]!.message.items.map((item) => item.category)).toEqual(['lift_entrapment']);
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
