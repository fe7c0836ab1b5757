import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/load-config.js';
import { topicFor, type AlertItem } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway } from '../../edge/gateway.js';
import { createEstateSimulator } from '../../edge/simulator/estate-simulator.js';
import { PROFILES_DIR, tempDataDir } from './edge-fixtures.js';
import { testDeviceCredentials, testDevicePassword } from '../support/device-logins.js';
import { MOSQUITTO_URL, clearRetainedStatus } from './mqtt-observer.js';

describe('estate simulator driving a gateway', () => {
  const gatewayId = `test-sim-${randomUUID().slice(0, 8)}`;

  afterAll(async () => {
    await clearRetainedStatus(gatewayId);
  });

  it('stages an entrapment that the gateway raises and later clears, with clean device traffic', async () => {
    const devices = [
      { id: 'lift-b1-a', kind: 'lift_monitor' as const, topic: 'estate/b1/lift-a', password: testDevicePassword('lift-b1-a') },
      { id: 'door-b1-main', kind: 'door_access_controller' as const, topic: 'estate/b1/door-main', password: testDevicePassword('door-b1-main') },
    ];
    const profileOf = { lift_monitor: 'lift_monitor_gbt24476', door_access_controller: 'door_controller_generic' };
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: gatewayId },
        data_dir: tempDataDir(),
        uplink: { url: MOSQUITTO_URL },
        local_broker: { embedded: true, port: 0, device_credentials: testDeviceCredentials(devices.map((d) => d.id)) },
        devices: devices.map((d) => ({ id: d.id, profile: profileOf[d.kind], subject: { kind: 'asset', id: d.id }, mqtt: { topic: d.topic } })),
      },
      'test',
      { env: {} },
    );
    const gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await gateway.start();
    const simulator = createEstateSimulator({ brokerUrl: gateway.localBrokerUrl, devices, incidentAfterMs: 300, periodMs: 50, logger: silentLogger(), seed: 11 });
    const incidents: string[] = [];
    simulator.onIncident((description) => incidents.push(description));
    const alerts: AlertItem[] = [];
    const cleared = new Promise<void>((resolve) =>
      gateway.onAlert((alert) => {
        alerts.push(alert);
        if (alert.state === 'cleared') resolve();
      }),
    );
    try {
      await simulator.start();
      await cleared;
      expect(incidents).toHaveLength(1);
      expect(alerts.map((a) => a.state)).toEqual(['raised', 'updated', 'cleared']);
      const stats = gateway.stats();
      expect(stats.rejected).toEqual({});
      expect(stats.ignored).toEqual({});
      expect(stats.events).toBeGreaterThan(0);
      expect(stats.readings).toBeGreaterThan(0);
    } finally {
      await simulator.stop();
      await gateway.stop();
    }
  });
});
