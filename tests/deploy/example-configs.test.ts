import { describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { CLOUD_ENV_OVERRIDES, CloudConfigSchema } from '../../cloud/config/cloud-config.js';
import { GATEWAY_ENV_OVERRIDES, GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway } from '../../edge/gateway.js';
import { PROFILES_DIR } from '../edge/edge-fixtures.js';

const example = (name: string): string => fileURLToPath(new URL(`../../deploy/${name}`, import.meta.url));

/** The example configs an operator copies must stay valid as the schemas change. */
describe('deploy/ example configs', () => {
  it('cloud.example.yaml parses, and secrets come from the environment', () => {
    const config = loadConfigFile(CloudConfigSchema, example('cloud.example.yaml'), {
      envOverrides: CLOUD_ENV_OVERRIDES,
      env: { ESTATECARE_BROKER_PASSWORD: 'from-env', ESTATECARE_DATABASE_URL: 'postgres://estatecare:s3cret@db:5432/estatecare' },
    });
    expect(config.broker).toMatchObject({ embedded: false, password: 'from-env', share_group: null });
    expect(config.database.url).toBe('postgres://estatecare:s3cret@db:5432/estatecare');
    expect(config.telemetry.backend).toBe('influxdb');
  });

  it('gateway.example.yaml parses and binds every device to a shipped profile', () => {
    const config = loadConfigFile(GatewayConfigSchema, example('gateway.example.yaml'), {
      envOverrides: GATEWAY_ENV_OVERRIDES,
      env: { ESTATECARE_UPLINK_PASSWORD: 'from-env' },
    });
    expect(config.uplink).toMatchObject({ username: 'gw-sunrise-01', password: 'from-env' });
    // Building the gateway loads the profiles, binds the devices and reads the device passwords from
    // the variables the example names; nothing opens a socket yet.
    vi.stubEnv('ESTATECARE_DEVICE_LIFT_B1_A', 'lift-password-from-env');
    vi.stubEnv('ESTATECARE_DEVICE_DOOR_B1_1203', 'door-password-from-env');
    try {
      const gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
      expect(gateway.id).toBe('gw-sunrise-01');
    } finally {
      vi.unstubAllEnvs();
    }
    expect(Object.keys(config.local_broker.embedded ? config.local_broker.device_credentials : {})).toEqual(['lift-b1-a', 'door-b1-main', 'door-b1-1203']);
  });
});
