import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfigFile } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { hashPassword } from '../../shared/security/password-hash.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway } from '../../edge/gateway.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/net.js';
import { PROFILES_DIR } from '../edge/edge-fixtures.js';

/**
 * `estatecare simulate --config gateway.yaml` plays the gateway's MQTT devices with the credentials
 * that config gives them, so the simulated estate gets through the local broker that now admits no
 * anonymous client.
 */
describe('estatecare simulate logs each device in with the gateway config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-simulate-logins-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function writeConfig(name: string, doorCredential: Record<string, string>): Promise<string> {
    const secretFile = join(dir, `${name}-lift.secret`);
    writeFileSync(secretFile, 'lift-secret-from-a-file\n');
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      stringify({
        gateway: { id: `gw-${name}` },
        // Nobody listens there: the test watches the gateway's own alerts.
        uplink: { url: `mqtt://127.0.0.1:${await freePort()}`, reconnect_period_ms: 60_000 },
        local_broker: {
          embedded: true,
          host: '127.0.0.1',
          port: await freePort(),
          device_credentials: { 'lift-s1': { password_file: secretFile }, 'door-s1': doorCredential },
        },
        profiles_dir: PROFILES_DIR,
        data_dir: join(dir, `${name}-data`),
        log_level: 'warn',
        devices: [
          { id: 'lift-s1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-s1' }, mqtt: { topic: 'estate/s/lift-1' } },
          { id: 'door-s1', profile: 'door_controller_generic', subject: { kind: 'asset', id: 's-entrance' }, mqtt: { topic: 'estate/s/door-1' } },
        ],
      }),
    );
    return file;
  }

  it("drives the gateway's devices through its local broker: the staged entrapment is raised", async () => {
    const file = await writeConfig('plays', { password: 'door-secret-in-the-file' });
    const gateway = createGateway(loadConfigFile(GatewayConfigSchema, file, { env: {} }), { logger: silentLogger() });
    const raised = new Promise<string>((resolve) => gateway.onAlert((alert) => alert.state === 'raised' && resolve(alert.subject.id)));
    await gateway.start();
    const simulate = runCli(['simulate', '--config', file, '--incident-after', '0.5']);
    try {
      expect(await raised).toBe('lift-s1');
      expect(gateway.stats().rejected).toEqual({});
      expect(gateway.stats().events).toBeGreaterThan(0);
    } finally {
      simulate.child.kill('SIGTERM');
      await simulate.exited;
      await gateway.stop();
    }
  });

  it('names the devices it cannot log in as: one whose config holds only a password hash', async () => {
    const file = await writeConfig('hashed', { password_hash: await hashPassword('door-secret-only-hashed') });
    const simulate = runCli(['simulate', '--config', file]);
    expect(await simulate.exited).toBe(2);
    expect(simulate.stderr()).toMatch(/door-s1.*password_hash cannot log in/);
    expect(simulate.stderr()).not.toMatch(/\n\s+at /);
  });
});
