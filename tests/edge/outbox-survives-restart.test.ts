import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { freePort } from '../support/net.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { PROFILES_DIR } from './edge-fixtures.js';
import { ContractObserver, MOSQUITTO_URL, type Observed } from './mqtt-observer.js';
import { connectTestDevice, testDeviceCredentials } from '../support/device-logins.js';

/**
 * An alert raised while the uplink is down is written to the gateway's SQLite outbox; the gateway is
 * stopped and started again (a reboot during the outage), and once the uplink is there the alert
 * goes out, alerts before the event that caused them.
 */
describe('the outbox across an outage and a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'estatecare-outbox-restart-'));
  const gatewayId = uniqueSlug('gw-outage');
  let gateway: Gateway | undefined;
  let observer: ContractObserver | undefined;

  afterAll(async () => {
    await gateway?.stop();
    await observer?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (uplinkUrl: string): Promise<Gateway> => {
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: gatewayId },
        uplink: { url: uplinkUrl, reconnect_period_ms: 200 },
        local_broker: { embedded: true, host: '127.0.0.1', port: 0, device_credentials: testDeviceCredentials(['lift-o1']) },
        data_dir: dataDir,
        devices: [{ id: 'lift-o1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-o1' }, mqtt: { topic: 'estate/o/lift-1' } }],
      },
      'test gateway config',
    );
    const started = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await started.start();
    return started;
  };

  it('delivers the alert raised during the outage after the gateway restarts', async () => {
    // The uplink points at a port nothing listens on: the cloud is unreachable.
    gateway = await start(`mqtt://127.0.0.1:${await freePort()}`);
    const raised = new Promise<void>((resolve) => gateway!.onAlert(() => resolve()));
    const device = await connectTestDevice(gateway.localBrokerUrl, 'lift-o1');
    await device.publishAsync('estate/o/lift-1', JSON.stringify({ time: new Date().toISOString(), seq: 1, event_code: 90 }), { qos: 1 });
    await device.endAsync();
    await raised;
    await gateway.stop();

    observer = await ContractObserver.watch(uniqueSlug('observer'), `estatecare/v1/gw/${gatewayId}/#`);
    gateway = await start(MOSQUITTO_URL);
    const alerts = await observer.waitFor((m): m is Observed => m.channel === 'alerts', 'the alert from before the restart', 15_000);
    if (alerts.channel !== 'alerts') throw new Error('unreachable');
    expect(alerts.message.items[0]).toMatchObject({ subject: { id: 'lift-o1' }, category: 'lift_entrapment', state: 'raised' });
    await observer.waitFor((m): m is Observed => m.channel === 'events', 'the alarm event', 15_000);
    const order = observer.messages.filter((m) => m.channel === 'alerts' || m.channel === 'events').map((m) => m.channel);
    expect(order[0]).toBe('alerts');
  });
});
