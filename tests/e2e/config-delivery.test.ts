import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { CloudConfigSchema } from '../../cloud/config/cloud-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { eventually } from '../support/net.js';
import { PROFILES_DIR } from '../edge/edge-fixtures.js';
import { adminToken, bearer } from '../support/staff-tokens.js';

/**
 * Care profiles and rule parameters travel from the cloud API to the gateway as the retained config
 * message; the gateway keeps the last good one on disk and reports the version it runs.
 */
describe('rules config from the cloud API to the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-config-e2e-'));
  const gatewayId = 'gw-config-e2e';
  const password = 'pw-config-e2e';
  let cloud: Cloud;
  let gateway: Gateway;

  const gatewayConfig = (brokerUrl = cloud.brokerUrl) =>
    validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: gatewayId },
        uplink: { url: brokerUrl, password, status_interval_s: 1 },
        local_broker: { embedded: true, host: '127.0.0.1', port: 0 },
        data_dir: join(dir, 'gateway'),
      },
      'test gateway config',
    );

  /** An administrator of the estate: the one who may replace a gateway's rules config. */
  let admin: { authorization: string };

  beforeAll(async () => {
    cloud = new Cloud(
      validateConfig(
        CloudConfigSchema,
        {
          broker: { embedded: true, host: '127.0.0.1', port: 0 },
          database: { pglite_dir: join(dir, 'db') },
          api: { host: '127.0.0.1', port: 0 },
          registry: { estates: [{ id: 'config-estate', name: 'Config Gardens', gateways: [{ id: gatewayId, password }] }] },
        },
        'test cloud config',
      ),
      { logger: silentLogger() },
    );
    await cloud.start();
    admin = bearer(await adminToken(cloud.database, 'config-estate'));
    gateway = createGateway(gatewayConfig(), { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function reported(): Promise<string | null> {
    const response = await fetch(`${cloud.apiUrl}/api/v1/gateways/${gatewayId}/config`, { headers: admin });
    return response.status === 200 ? ((await response.json()) as { reported_config_version: string | null }).reported_config_version : null;
  }

  it('sends a new config to the running gateway, which reports it in its status', async () => {
    const put = await fetch(`${cloud.apiUrl}/api/v1/gateways/${gatewayId}/config`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: { lifts: {} },
      }),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(((await put.json()) as { config_version: string }).config_version).toBe('1');
    await eventually('the gateway to report config version 1', async () => (await reported()) === '1', 20_000);
  });

  it('keeps the config across a gateway restart without the cloud', async () => {
    const brokerUrl = cloud.brokerUrl;
    await gateway.stop();
    await cloud.stop();
    // The cloud is gone: the gateway starts on the config it kept on disk.
    gateway = createGateway(gatewayConfig(brokerUrl), { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await gateway.start();
    expect(gateway.configVersion()).toBe('1');
    await gateway.stop();
    await cloud.start();
    admin = bearer(await adminToken(cloud.database, 'config-estate'));
    gateway = createGateway(gatewayConfig(), { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await gateway.start();
  });
});
