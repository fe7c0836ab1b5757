import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/load-config.js';
import { topicFor, type AlertItem, type DecodedMessage } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../edge/config/gateway-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { PROFILES_DIR, tempDataDir } from './edge-fixtures.js';
import { ContractObserver, MOSQUITTO_URL, connectToMosquitto } from './mqtt-observer.js';
import { TestDeviceFleet, testDeviceCredentials } from '../support/device-logins.js';

type Of<C extends DecodedMessage['channel']> = Extract<DecodedMessage, { channel: C }> & { retained: boolean };
const on =
  <C extends DecodedMessage['channel']>(channel: C, test: (message: Of<C>) => boolean = () => true) =>
  (message: DecodedMessage & { retained: boolean }): message is Of<C> =>
    message.channel === channel && test(message as Of<C>);

/**
 * The walking skeleton end to end on the edge side: device -> embedded local broker -> driver ->
 * rules -> outbox -> uplink -> the real Mosquitto, decoded with the shared wire contract.
 */
describe('gateway against Mosquitto', () => {
  const gatewayId = `test-gw-${randomUUID().slice(0, 8)}`;
  let observer: ContractObserver;
  let gateway: Gateway;
  const DEVICE_IDS = ['lift-b1-a', 'door-b1-main', 'door-b1-1203'];
  let devices: TestDeviceFleet;
  const alerts: AlertItem[] = [];

  beforeAll(async () => {
    observer = await ContractObserver.watch(`observer-${gatewayId}`, `estatecare/v1/gw/${gatewayId}/#`);
    const input: GatewayConfigInput = {
      gateway: { id: gatewayId },
      data_dir: tempDataDir(),
      uplink: { url: MOSQUITTO_URL, status_interval_s: 60 },
      local_broker: { embedded: true, host: '127.0.0.1', port: 0, device_credentials: testDeviceCredentials(DEVICE_IDS) },
      devices: [
        { id: 'lift-b1-a', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-b1-a' }, mqtt: { topic: 'estate/b1/lift-a' } },
        { id: 'door-b1-main', profile: 'door_controller_generic', subject: { kind: 'asset', id: 'b1-entrance' }, mqtt: { topic: 'estate/b1/door-main' } },
        { id: 'door-b1-1203', profile: 'door_controller_generic', subject: { kind: 'unit', id: 'hh-7f3a' }, mqtt: { topic: 'estate/b1/1203/door' } },
      ],
    };
    gateway = createGateway(validateConfig(GatewayConfigSchema, input, 'test', { env: {} }), { logger: silentLogger(), profilesDir: PROFILES_DIR });
    gateway.onAlert((alert) => alerts.push(alert));
    await gateway.start();
    devices = new TestDeviceFleet(gateway.localBrokerUrl);
  });

  afterAll(async () => {
    await devices?.end();
    await gateway?.stop();
    await observer?.close();
    // Leave no retained status of a test gateway behind on the shared broker.
    const cleaner = await connectToMosquitto(`cleaner-${gatewayId}`);
    await cleaner.publishAsync(topicFor(gatewayId, 'status'), '', { qos: 1, retain: true });
    await cleaner.endAsync();
  });

  it('says it is online in a retained status', async () => {
    const status = await observer.waitFor(on('status', (m) => m.message.status.online), 'online status');
    expect(status.message).toMatchObject({ schema_version: 1, gateway_id: gatewayId, status: { online: true, config_version: null, buses: [] } });
    const late = await ContractObserver.watch(`late-${gatewayId}`, topicFor(gatewayId, 'status'));
    const retained = await late.waitFor(on('status', (m) => m.retained), 'retained status');
    expect(retained.message.status.online).toBe(true);
    await late.close();
  });

  it('turns a lift alarm payload into an alert and an event upstream', async () => {
    const time = new Date().toISOString();
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', JSON.stringify({ time, seq: 1, car_status: 0, door_zone: 2, door_status: 1, passenger_status: 1, car_position: 7 }));
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', JSON.stringify({ time, seq: 2, event_code: 90 }));

    const alertMessage = await observer.waitFor(on('alerts'), 'an alerts envelope');
    expect(alertMessage.message.items[0]).toMatchObject({
      rule: 'lift_entrapment',
      state: 'raised',
      category: 'lift_entrapment',
      severity: 'critical',
      subject: { kind: 'asset', id: 'lift-b1-a' },
      event_time: time,
    });
    expect(alerts.map((a) => a.state)).toEqual(['raised']);

    const eventsMessage = await observer.waitFor(on('events', (m) => m.message.items.some((i) => i.type === 'lift_alarm_button')), 'the alarm event');
    expect(eventsMessage.message.gateway_id).toBe(gatewayId);
    await observer.waitFor(on('telemetry', (m) => m.message.items.some((i) => i.point === 'door_zone')), 'lift telemetry');
    expect(alertMessage.message.seq).toBeLessThan(eventsMessage.message.seq);
  });

  it('sends gate events without card numbers and keeps household events home', async () => {
    const time = new Date().toISOString();
    await devices.publish('door-b1-1203', 'estate/b1/1203/door', JSON.stringify({ serial_no: 1, major: 5, minor: 0x19, time }));
    await devices.publish('door-b1-main', 'estate/b1/door-main', JSON.stringify({ serial_no: 77, major: 5, minor: 0x01, time, card_no: '5550123' }));
    const message = await observer.waitFor(on('events', (m) => m.message.items.some((i) => i.type === 'credential_granted')), 'the gate event');
    const granted = message.message.items.find((i) => i.type === 'credential_granted');
    expect(granted?.attributes).toEqual({ credential_type: 'card' });
    expect(observer.messages.some((m) => m.channel === 'events' && m.message.items.some((i) => i.device_id === 'door-b1-1203'))).toBe(false);
    expect(gateway.stats().withheld_events).toBe(1);
  });

  it('refuses malformed device payloads, counts them, and keeps going', async () => {
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', '{"seq": 3, "event_code": ');
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', JSON.stringify({ seq: 4, hello: 'world' }));
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', JSON.stringify({ time: new Date().toISOString(), seq: 5, car_status: 0, door_zone: 1, door_status: 2, passenger_status: 1 }));
    await observer.waitFor(on('alerts', (m) => m.message.items[0]?.state === 'cleared'), 'the cleared alert');
    expect(gateway.stats()).toMatchObject({ rejected: { not_json: 1, no_content: 1 }, alerts: 2 });
  });

  it('publishes a retained offline status when it stops', async () => {
    await gateway.stop();
    const offline = await observer.waitFor(on('status', (m) => !m.message.status.online), 'offline status');
    expect(offline.message.status).toEqual({ online: false, reason: 'shutdown' });
    const late = await ContractObserver.watch(`late2-${gatewayId}`, topicFor(gatewayId, 'status'));
    const retained = await late.waitFor(on('status', (m) => m.retained), 'retained status');
    expect(retained.message.status).toEqual({ online: false, reason: 'shutdown' });
    await late.close();
  });
});
