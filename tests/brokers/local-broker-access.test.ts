import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { hashPassword } from '../../shared/security/password-hash.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { LOCAL_MAX_PACKET_BYTES } from '../../edge/local-broker/embedded-broker.js';
import type { AlertItem } from '../../shared/contract/index.js';
import { freePort } from '../support/net.js';
import { PROFILES_DIR, tempDataDir } from '../edge/edge-fixtures.js';
import { payloadForPacketBytes, Probe, refusedConnect, type Login } from './mqtt-probe.js';

const LIFT = { id: 'lift-b1-a', topic: 'estate/b1/lift-a', password: 'pw-lift-b1-a-secret' };
const DOOR = { id: 'door-b1-main', topic: 'estate/b1/door-main', password: 'pw-door-b1-main-secret' };
/** Listed in the config without credentials: it cannot log in at all. */
const UNLISTED = { id: 'door-b1-1203', topic: 'estate/b1/1203/door', password: 'pw-door-b1-1203-guess' };

const alarmPress = (): string => JSON.stringify({ time: new Date().toISOString(), seq: 1, event_code: 90 });
const doorOpened = (serial: number): string => JSON.stringify({ serial_no: serial, major: 5, minor: 0x19, time: new Date().toISOString(), reader_no: 1 });

/**
 * Who the gateway's embedded local broker admits, and to what, through a whole gateway: each
 * device logs in with its own credentials (the lift's password in the config, the door's as a
 * hash), publishes only on its own topic, subscribes to nothing; what the broker lets through is
 * what the gateway counts.
 */
describe('local broker access: the embedded broker of a gateway', () => {
  let gateway: Gateway;
  const alerts: AlertItem[] = [];
  const opened: Probe[] = [];

  beforeAll(async () => {
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: 'test-local-access-gw' },
        data_dir: tempDataDir(),
        // Nobody listens there: everything stays in the outbox.
        uplink: { url: `mqtt://127.0.0.1:${await freePort()}`, reconnect_period_ms: 60_000 },
        local_broker: {
          embedded: true,
          port: 0,
          device_credentials: {
            [LIFT.id]: { password: LIFT.password },
            [DOOR.id]: { password_hash: await hashPassword(DOOR.password) },
          },
        },
        devices: [
          { id: LIFT.id, profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: LIFT.id }, mqtt: { topic: LIFT.topic } },
          { id: DOOR.id, profile: 'door_controller_generic', subject: { kind: 'asset', id: 'b1-entrance' }, mqtt: { topic: DOOR.topic } },
          { id: UNLISTED.id, profile: 'door_controller_generic', subject: { kind: 'unit', id: 'hh-7f3a' }, mqtt: { topic: UNLISTED.topic } },
        ],
      },
      'test gateway config',
      { env: {} },
    );
    gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    gateway.onAlert((alert) => alerts.push(alert));
    await gateway.start();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((probe) => probe.close()));
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const loginOf = (device: typeof LIFT, clientId = device.id): Login => ({ username: device.id, password: device.password, clientId });

  async function connectDevice(device: typeof LIFT, clientId?: string): Promise<Probe> {
    const probe = await Probe.connect(gateway.localBrokerUrl, loginOf(device, clientId));
    opened.push(probe);
    return probe;
  }

  it('refuses an anonymous client, a wrong password, an unknown device and one without credentials', async () => {
    expect(await refusedConnect(gateway.localBrokerUrl, { clientId: 'anonymous-on-the-lan' })).toMatch(/not authorized|bad username or password/i);
    expect(await refusedConnect(gateway.localBrokerUrl, { ...loginOf(LIFT), password: 'not-the-password' })).toMatch(/bad username or password/i);
    expect(await refusedConnect(gateway.localBrokerUrl, { ...loginOf(DOOR), password: LIFT.password })).toMatch(/bad username or password/i);
    expect(await refusedConnect(gateway.localBrokerUrl, { username: 'lift-b9-z', password: LIFT.password, clientId: 'lift-b9-z' })).toMatch(/bad username or password/i);
    expect(await refusedConnect(gateway.localBrokerUrl, loginOf(UNLISTED))).toMatch(/bad username or password/i);
  });

  it("takes a device's message on its own topic", async () => {
    const door = await connectDevice(DOOR);
    const before = gateway.stats().events;
    expect(await door.publish(DOOR.topic, doorOpened(1))).toBe('acknowledged');
    expect(gateway.stats().events).toBe(before + 1);
  });

  it("refuses a device publishing on another device's topic or any topic not its own", async () => {
    const before = { events: gateway.stats().events, alerts: alerts.length };
    for (const topic of [LIFT.topic, 'estate/b1/lift-b', 'estatecare/v1/gw/test-local-access-gw/alerts']) {
      const door = await connectDevice(DOOR);
      // A forged alarm press that would open a P1 ticket for a lift the door controller is not.
      expect(await door.publish(topic, alarmPress())).toBe('cut off');
    }
    expect(gateway.stats().events).toBe(before.events);
    expect(alerts).toHaveLength(before.alerts);
  });

  it('lets no device subscribe to anything', async () => {
    const lift = await connectDevice(LIFT);
    for (const filter of ['#', DOOR.topic, LIFT.topic, 'estate/#']) {
      expect(await lift.subscribe(filter)).toBe('refused');
    }
    const door = await connectDevice(DOOR);
    expect(await door.publish(DOOR.topic, doorOpened(2))).toBe('acknowledged');
    expect(lift.received).toEqual([]);
  });

  it("refuses a device that takes another device's client id: the victim stays connected", async () => {
    const lift = await connectDevice(LIFT);
    const lost = lift.closed.then(() => 'victim cut off');
    expect(await refusedConnect(gateway.localBrokerUrl, loginOf(DOOR, LIFT.id))).toMatch(/identifier rejected/i);
    const frame = JSON.stringify({ time: new Date().toISOString(), seq: 2, car_status: 0, door_zone: 1, car_position: 3, door_status: 1, passenger_status: 2 });
    expect(await Promise.race([lift.publish(LIFT.topic, frame), lost])).toBe('acknowledged');
    expect(lift.connected).toBe(true);
  });

  it(`refuses a packet over ${LOCAL_MAX_PACKET_BYTES} bytes and takes one of exactly that size`, async () => {
    const lift = await connectDevice(LIFT);
    // Too large for the payload mapper (64 KiB) too: it is taken in, counted as too_large and acknowledged.
    const tooLarge = gateway.stats().rejected.too_large ?? 0;
    expect(await lift.publish(LIFT.topic, payloadForPacketBytes(LIFT.topic, LOCAL_MAX_PACKET_BYTES))).toBe('acknowledged');
    expect(gateway.stats().rejected.too_large).toBe(tooLarge + 1);
    expect(await lift.publish(LIFT.topic, payloadForPacketBytes(LIFT.topic, LOCAL_MAX_PACKET_BYTES + 1))).toBe('cut off');
    expect(gateway.stats().rejected.too_large).toBe(tooLarge + 1);
  });
});
