import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, validateConfig } from '../../../../shared/config/load-config.js';
import { Readable } from 'node:stream';
import { hashPassword, verifyPassword } from '../../../../shared/security/password-hash.js';
import { runHashPasswordCommand } from '../../../../deploy/cli/commands/hash-password-command.js';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../../../edge/config/gateway-config.js';
import { resolveDeviceLogins } from '../../../../edge/local-broker/device-logins.js';

const lift = (id: string): NonNullable<GatewayConfigInput['devices']>[number] => ({
  id,
  profile: 'lift_monitor_gbt24476',
  subject: { kind: 'asset', id },
  mqtt: { topic: `estate/${id}` },
});
const meter = { id: 'meter-1', profile: 'eastron_sdm120', subject: { kind: 'unit' as const, id: 'hh-1' }, bus: 'rs485-1', address: 1 };

function gatewayConfig(localBroker: Record<string, unknown>, devices = [lift('lift-1'), lift('lift-2'), lift('lift-3')]) {
  return validateConfig(
    GatewayConfigSchema,
    { gateway: { id: 'gw-cred' }, uplink: { url: 'mqtt://127.0.0.1:1' }, local_broker: localBroker, devices },
    'gateway.yaml',
    { env: {} },
  );
}

function problemsOf(action: () => unknown): Array<{ path: string; message: string }> {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('device credentials of the local broker in the gateway config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-device-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('listens on loopback and admits no device by default', () => {
    const config = validateConfig(GatewayConfigSchema, { gateway: { id: 'gw-defaults' }, uplink: { url: 'mqtt://127.0.0.1:1' }, devices: [lift('lift-1')] }, 'gateway.yaml', { env: {} });
    expect(config.local_broker).toEqual({ embedded: true, host: '127.0.0.1', port: 18831, device_credentials: {} });
    expect(resolveDeviceLogins(config, 'gateway.yaml', {})).toEqual({ logins: [], withoutCredentials: ['lift-1'] });
  });

  it('lists every problem of the credentials with its path', async () => {
    const problems = problemsOf(() =>
      gatewayConfig({
        embedded: true,
        device_credentials: {
          'lift-1': { password: 'short', client_id: 'shared-id' },
          'lift-2': { password: 'long-enough-1', password_env: 'LIFT_2_PASSWORD', client_id: 'shared-id' },
          'lift-3': {},
          'lift-9': { password: 'long-enough-9' },
          'meter-1': { password_hash: 'md5$abc' },
          'door-1': { pasword: 'typo-in-the-key' },
          'door-2': { password_env: 'NOT A NAME' },
        },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'local_broker.device_credentials.lift-1.password', message: 'at least 8 characters' },
        { path: 'local_broker.device_credentials.lift-2', message: 'give exactly one of password, password_hash, password_file, password_env (found password, password_env)' },
        { path: 'local_broker.device_credentials.lift-3', message: 'give exactly one of password, password_hash, password_file, password_env' },
        { path: 'local_broker.device_credentials.meter-1.password_hash', message: expect.stringContaining('estatecare hash-password') },
        { path: 'local_broker.device_credentials.door-1', message: expect.stringContaining('pasword') },
        { path: 'local_broker.device_credentials.door-2.password_env', message: 'an environment variable name' },
      ]),
    );
  });

  it('checks the credentials against the device list once each is well formed', () => {
    const problems = problemsOf(() =>
      gatewayConfig(
        {
          embedded: true,
          device_credentials: {
            'lift-1': { password: 'long-enough-1', client_id: 'shared-id' },
            'lift-2': { password: 'long-enough-2', client_id: 'shared-id' },
            'lift-9': { password: 'long-enough-9' },
            'meter-1': { password: 'long-enough-m' },
          },
        },
        [lift('lift-1'), lift('lift-2'), meter],
      ),
    );
    expect(problems).toEqual([
      { path: 'local_broker.device_credentials.lift-2.client_id', message: `client id "shared-id" is also device lift-1's` },
      { path: 'local_broker.device_credentials.lift-9', message: 'no device "lift-9" with an mqtt section in devices' },
      { path: 'local_broker.device_credentials.meter-1', message: 'no device "meter-1" with an mqtt section in devices' },
    ]);
  });

  it('refuses device credentials beside an external local broker, which has its own', () => {
    const problems = problemsOf(() => gatewayConfig({ embedded: false, url: 'mqtt://127.0.0.1:1883', device_credentials: { 'lift-1': { password: 'long-enough-1' } } }));
    expect(problems).toEqual([{ path: 'local_broker.device_credentials', message: expect.stringContaining('embedded broker only') }]);
  });

  it('reads password files and variables when the gateway is built, and lists every one missing', async () => {
    const file = join(dir, 'lift-1.secret');
    writeFileSync(file, 'secret-from-a-file\n');
    const hash = await hashPassword('secret-as-a-hash');
    const config = gatewayConfig(
      {
        embedded: true,
        device_credentials: {
          'lift-1': { password_file: file },
          'lift-2': { password_env: 'LIFT_2_PASSWORD', client_id: 'LIFT2-FW-0042' },
          'lift-3': { password_hash: hash },
        },
      },
      [lift('lift-1'), lift('lift-2'), lift('lift-3'), lift('lift-4')],
    );
    expect(resolveDeviceLogins(config, 'gateway.yaml', { LIFT_2_PASSWORD: 'secret-from-the-env' })).toEqual({
      logins: [
        { deviceId: 'lift-1', clientId: 'lift-1', topic: 'estate/lift-1', secret: { kind: 'password', password: 'secret-from-a-file' } },
        { deviceId: 'lift-2', clientId: 'LIFT2-FW-0042', topic: 'estate/lift-2', secret: { kind: 'password', password: 'secret-from-the-env' } },
        { deviceId: 'lift-3', clientId: 'lift-3', topic: 'estate/lift-3', secret: { kind: 'hash', hash } },
      ],
      withoutCredentials: ['lift-4'],
    });

    const missing = gatewayConfig({
      embedded: true,
      device_credentials: { 'lift-1': { password_file: join(dir, 'absent.secret') }, 'lift-2': { password_env: 'LIFT_2_PASSWORD' } },
    });
    expect(problemsOf(() => resolveDeviceLogins(missing, 'gateway.yaml', {}))).toEqual([
      { path: 'local_broker.device_credentials.lift-1.password_file', message: `cannot read ${join(dir, 'absent.secret')}: ENOENT` },
      { path: 'local_broker.device_credentials.lift-2.password_env', message: 'environment variable LIFT_2_PASSWORD is not set' },
    ]);
    expect(problemsOf(() => resolveDeviceLogins(missing, 'gateway.yaml', { LIFT_2_PASSWORD: 'short' }))).toContainEqual({
      path: 'local_broker.device_credentials.lift-2.password_env',
      message: 'the password must be at least 8 characters',
    });
  });
});

describe('estatecare hash-password', () => {
  it('prints a hash of the password on standard input that the local broker accepts as password_hash', async () => {
    const lines: string[] = [];
    await runHashPasswordCommand({ values: {}, positionals: [] }, Readable.from(['a-door-controller-password\n']), (line) => lines.push(line));
    expect(lines).toHaveLength(1);
    const hash = lines[0]!.trim();
    expect(await verifyPassword('a-door-controller-password', hash)).toBe(true);
    const config = gatewayConfig({ embedded: true, device_credentials: { 'lift-1': { password_hash: hash } } });
    expect(config.local_broker.embedded && config.local_broker.device_credentials['lift-1']).toEqual({ password_hash: hash });
  });

  it('refuses a password too short to use', async () => {
    await expect(runHashPasswordCommand({ values: {}, positionals: [] }, Readable.from(['short\n']), () => undefined)).rejects.toThrow(/at least 8 characters/);
  });
});
