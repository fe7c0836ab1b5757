import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { gatewayOutboxPath } from '../../edge/storage/data-dir.js';
import { freePort } from '../support/net.js';
import { PROFILES_DIR, tempDataDir } from './edge-fixtures.js';
import { systemClock } from '../../shared/time/clock.js';
import { EmbeddedBroker } from '../../edge/local-broker/embedded-broker.js';
import { MqttDriver } from '../../edge/drivers/mqtt/mqtt-driver.js';
import type { DeviceSink, DriverDevice } from '../../edge/drivers/driver.js';
import { loadProfiles } from '../../edge/profiles/load-profiles.js';
import { connectTestDevice, testDeviceCredentials, testDevicePassword } from '../support/device-logins.js';

/** What another connection to the outbox file finds on disk right now, per channel. */
async function onDisk(path: string): Promise<Record<string, number>> {
  const reader = new SqliteOutbox(path);
  try {
    const counts: Record<string, number> = {};
    for (let batch = await reader.take(1000); batch; batch = await reader.take(1000)) counts[batch.channel] = (counts[batch.channel] ?? 0) + batch.items.length;
    return counts;
  } finally {
    reader.close();
  }
}

/**
 * The embedded local broker acknowledges a device's QoS 1 message only once the gateway has put
 * what it means into its outbox: a gateway killed right after the PUBACK still has the alarm.
 */
describe('device messages taken in before they are acknowledged', () => {
  let gateway: Gateway | null = null;
  afterEach(async () => {
    await gateway?.stop();
    gateway = null;
  });

  async function startGateway(dataDir: string): Promise<Gateway> {
    // The uplink points at a port nobody listens on: everything stays in the outbox.
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: 'test-intake-gw' },
        data_dir: dataDir,
        uplink: { url: `mqtt://127.0.0.1:${await freePort()}`, reconnect_period_ms: 60_000 },
        local_broker: { embedded: true, host: '127.0.0.1', port: 0, device_credentials: testDeviceCredentials(['lift-1']) },
        devices: [{ id: 'lift-1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-1' }, mqtt: { topic: 'estate/lift-1' } }],
      },
      'test',
      { env: {} },
    );
    const started = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await started.start();
    return started;
  }

  it('has the alert and its event on disk by the time the device gets its PUBACK', async () => {
    const dataDir = tempDataDir();
    gateway = await startGateway(dataDir);
    // The first message the gateway ever hears: no subscription to wait for.
    const device = await connectTestDevice(gateway.localBrokerUrl, 'lift-1');
    await device.publishAsync('estate/lift-1', JSON.stringify({ time: new Date().toISOString(), seq: 1, event_code: 90 }), { qos: 1 });
    expect(await onDisk(gatewayOutboxPath(dataDir, 'test-intake-gw'))).toEqual({ alerts: 1, events: 1 });
    await device.endAsync();
  });

  it('refuses what a device sends once the driver has stopped, so the device keeps it for the next start', async () => {
    const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, devices: [{ deviceId: 'lift-1', clientId: 'lift-1', topic: 'estate/lift-1', secret: { kind: 'password', password: testDevicePassword('lift-1') } }] }, silentLogger());
    const events: string[] = [];
    const sink: DeviceSink = {
      event: (event) => void events.push(event.type),
      readings: () => undefined,
      availability: () => undefined,
      rejected: () => undefined,
      ignored: () => undefined,
      settled: async () => undefined,
    };
    const driver = new MqttDriver({ embeddedBroker: broker, brokerUrl: () => broker.url, clientId: 'test-intake-driver', sink, logger: silentLogger(), clock: systemClock });
    driver.addDevice({ id: 'lift-1', subject: { kind: 'asset', id: 'lift-1' }, profile: loadProfiles(PROFILES_DIR).get('lift_monitor_gbt24476')!, config: { id: 'lift-1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-1' }, mqtt: { topic: 'estate/lift-1' } } as DriverDevice['config'] });
    await broker.start();
    await driver.start();
    try {
      const device = await connectTestDevice(broker.url, 'lift-1');
      const alarm = JSON.stringify({ time: new Date().toISOString(), seq: 1, event_code: 90 });
      await device.publishAsync('estate/lift-1', alarm, { qos: 1 });
      expect(events).toEqual(['lift_alarm_button']);

      await driver.stop();
      const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
      let acknowledged = false;
      device.publish('estate/lift-1', alarm, { qos: 1 }, (error) => void (acknowledged = !error));
      await closed; // aedes drops a device whose publish is not authorised, without a PUBACK
      expect(acknowledged).toBe(false);
      expect(events).toEqual(['lift_alarm_button']);
      await device.endAsync(true);
    } finally {
      await broker.stop();
    }
  });
});
