import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA_VERSION, toWireTime } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { ConfigSync, type ConfigInForce } from '../../edge/config-sync/config-sync.js';

const GATEWAY = 'gw-config-1';

/** The cloud's side of the wire: config messages as bytes, exactly as the broker hands them over. */
class ConfigTopic {
  private listener: ((payload: Buffer) => void) | null = null;
  onConfigMessage(listener: (payload: Buffer) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  deliver(payload: unknown): void {
    this.listener?.(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)));
  }
}

function configMessage(version: string, rules: unknown, gatewayId = GATEWAY): Record<string, unknown> {
  const now = Date.UTC(2026, 10, 24, 8);
  return { schema_version: SCHEMA_VERSION, gateway_id: gatewayId, seq: Number(version), sent_at: toWireTime(now), config: { config_version: version, issued_at: toWireTime(now), rules } };
}

describe('gateway rules config: cloud, disk, local file, defaults', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function setup(localFile?: string) {
    const dataDir = mkdtempSync(join(tmpdir(), 'estatecare-config-'));
    dirs.push(dataDir);
    const topic = new ConfigTopic();
    const applied: ConfigInForce[] = [];
    const make = () => new ConfigSync({ gatewayId: GATEWAY, dataDir, localFile, messages: topic, apply: (c) => applied.push(c), logger: silentLogger() });
    return { dataDir, topic, applied, make };
  }

  it('runs the defaults until told otherwise, then takes a cloud config and keeps it across a restart', async () => {
    const { topic, applied, make } = setup();
    const sync = make();
    await sync.start();
    expect(applied.at(-1)).toMatchObject({ version: null, origin: 'defaults' });
    topic.deliver(configMessage('3', {}));
    expect(applied.at(-1)).toMatchObject({ version: '3', origin: 'cloud' });
    await sync.stop();
    const restarted = make();
    await restarted.start();
    expect(applied.at(-1)).toMatchObject({ version: '3', origin: 'cloud' });
  });

  it('refuses and counts a bad config message, and keeps the config in force', async () => {
    const { topic, applied, make } = setup();
    const sync = make();
    await sync.start();
    topic.deliver(configMessage('1', {}));
    topic.deliver('{"not": "a config"');
    topic.deliver(configMessage('2', {}, 'gw-someone-else'));
    topic.deliver(configMessage('2', { care: { households: [{ unit_id: 'hh-1' }] } })); // enrolled without recorded consent
    expect(sync.rejected).toBe(3);
    expect(sync.inForce.version).toBe('1');
    expect(applied.map((c) => c.version)).toEqual([null, '1']);
  });

  it('takes the same version once, even when the retained message comes again on reconnect', async () => {
    const { topic, applied, make } = setup();
    await make().start();
    topic.deliver(configMessage('5', {}));
    topic.deliver(configMessage('5', {}));
    expect(applied.map((c) => c.version)).toEqual([null, '5']);
  });

  it('uses a local file until the cloud has sent a config, and stops on a bad one naming the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'estatecare-local-'));
    dirs.push(dir);
    const good = join(dir, 'rules.yaml');
    writeFileSync(good, 'lifts: {}\n');
    const { topic, applied, make } = setup(good);
    await make().start();
    expect(applied.at(-1)).toMatchObject({ origin: 'local_file', version: expect.stringMatching(/^local-[0-9a-f]{8}$/) });
    topic.deliver(configMessage('7', {}));
    expect(applied.at(-1)).toMatchObject({ origin: 'cloud', version: '7' });

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'care:\n  households:\n    - unit_id: hh-9\n');
    await expect(setup(bad).make().start()).rejects.toThrow(/rules config file .*bad\.yaml: care\.households\.0/);
  });
});
