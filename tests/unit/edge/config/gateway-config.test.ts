import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../../../shared/config/load-config.js';
import { DEFAULT_PROFILES_DIR, DeviceConfigSchema, GATEWAY_ENV_OVERRIDES, GatewayConfigSchema } from '../../../../edge/config/gateway-config.js';
import { bindDevices } from '../../../../edge/drivers/bind-devices.js';
import { loadProfiles } from '../../../../edge/profiles/load-profiles.js';
import { PROFILES_DIR } from '../../../edge/edge-fixtures.js';

const YAML = `
gateway: { id: estate-7-gw-01 }
uplink: { url: "mqtts://cloud.example.com:8883" }
devices:
  - id: lift-b1-a
    profile: lift_monitor_gbt24476
    subject: { kind: asset, id: lift-b1-a }
    mqtt: { topic: estate/b1/lift-a }
`;

/** The example of the walking-skeleton report: a production-like gateway with three devices. */
const EXAMPLE = `
gateway:
  id: estate-7-gw-01
uplink:
  url: mqtts://cloud.example.com:8883
  # username defaults to the gateway id; the password comes from ESTATECARE_UPLINK_PASSWORD
  keepalive_s: 30
  status_interval_s: 60
  reconnect_period_ms: 2000
local_broker:
  embedded: true
  host: 0.0.0.0
  port: 18831
profiles_dir: /usr/share/estatecare/device-profiles
data_dir: /var/lib/estatecare/gateway
log_level: info
devices:
  - id: lift-b1-a
    profile: lift_monitor_gbt24476
    subject: { kind: asset, id: lift-b1-a }
    mqtt: { topic: estate/b1/lift-a }
  - id: door-b1-main
    profile: door_controller_generic
    subject: { kind: asset, id: b1-entrance }
    mqtt: { topic: estate/b1/door-main }
  - id: door-b1-1203
    profile: door_controller_generic
    subject: { kind: unit, id: hh-7f3a }
    mqtt: { topic: estate/b1/1203/door }
`;

describe('gateway config', () => {
  it('accepts the documented example and binds its devices to the shipped profiles', () => {
    const config = parseConfigText(GatewayConfigSchema, EXAMPLE, 'gateway.yaml', { envOverrides: GATEWAY_ENV_OVERRIDES, env: {} });
    expect(config.uplink.username).toBe('estate-7-gw-01');
    expect(config.uplink.password).toBeUndefined();
    const bound = bindDevices(config.devices, loadProfiles(PROFILES_DIR), config.buses, 'gateway.yaml');
    expect(bound.map((d) => `${d.id}:${d.profile.id}`)).toEqual([
      'lift-b1-a:lift_monitor_gbt24476',
      'door-b1-main:door_controller_generic',
      'door-b1-1203:door_controller_generic',
    ]);
  });

  it('fills defaults, the username from the gateway id, and the password from the environment', () => {
    const config = parseConfigText(GatewayConfigSchema, YAML, 'gateway.yaml', {
      envOverrides: GATEWAY_ENV_OVERRIDES,
      env: { ESTATECARE_UPLINK_PASSWORD: 's3cret-from-env' },
    });
    expect(config.uplink).toEqual({
      url: 'mqtts://cloud.example.com:8883',
      username: 'estate-7-gw-01',
      password: 's3cret-from-env',
      keepalive_s: 30,
      status_interval_s: 60,
      reconnect_period_ms: 2000,
      wait_for_receipts: true,
      receipt_timeout_s: 60,
    });
    expect(config.local_broker).toEqual({ embedded: true, host: '127.0.0.1', port: 18831, device_credentials: {} });
    expect(config).toMatchObject({ profiles_dir: DEFAULT_PROFILES_DIR, data_dir: '.estatecare/gateway', log_level: 'info' });
  });

  it('lists every schema problem with its path', () => {
    const bad = YAML.replace('estate-7-gw-01', 'Estate 7').replace('mqtts://', 'https://').replace('estate/b1/lift-a', 'estate/+/lift');
    try {
      parseConfigText(GatewayConfigSchema, bad, 'gateway.yaml', { env: {} });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.path).sort()).toEqual(['devices.0.mqtt.topic', 'gateway.id', 'uplink.url']);
    }
  });

  it('checks devices against the profiles when the gateway is built, listing all problems', () => {
    const config = parseConfigText(GatewayConfigSchema, YAML, 'gateway.yaml', { env: {} });
    const devices = [
      ...config.devices,
      ...[
        { id: 'lift-b1-a', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'x' }, mqtt: { topic: 'estate/b1/lift-a' } },
        { id: 'door-1', profile: 'no_such_profile', subject: { kind: 'asset', id: 'x' } },
        { id: 'door-2', profile: 'door_controller_generic', subject: { kind: 'asset', id: 'x' } },
      ].map((device) => DeviceConfigSchema.parse(device)),
    ];
    try {
      bindDevices(devices, loadProfiles(PROFILES_DIR), [], 'gateway.yaml');
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems.map((p) => p.path)).toEqual(['devices.1.id', 'devices.1.mqtt.topic', 'devices.2.profile', 'devices.3.mqtt.topic']);
      expect(problems[2]?.message).toContain('unknown profile "no_such_profile"');
    }
  });
});
