import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

/** A bad config lists every problem with its path and exits 2; never a stack trace. */
describe('estatecare with a bad config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('cloud: names every wrong field and exits 2', async () => {
    const config = file(
      'cloud.yaml',
      ['broker:', '  embedded: false', '  url: http://wrong-scheme', 'database:', '  url: mysql://nope', 'api:', '  port: 99999', 'telemetry:', '  backend: influxdb'].join('\n'),
    );
    const run = runCli(['cloud', '--config', config]);
    expect(await run.exited).toBe(2);
    const stderr = run.stderr();
    expect(stderr).toContain('broker.url');
    expect(stderr).toContain('database.url');
    expect(stderr).toContain('api.port');
    expect(stderr).toContain('telemetry.influxdb');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('gateway: names every wrong field and exits 2', async () => {
    const config = file(
      'gateway.yaml',
      ['gateway:', '  id: "Bad Id!"', 'uplink:', '  keepalive_s: 1', 'devices:', '  - id: lift-1', '    profile: lift_monitor_gbt24476', '    subject: { kind: planet, id: x }'].join('\n'),
    );
    const run = runCli(['gateway', '--config', config]);
    expect(await run.exited).toBe(2);
    const stderr = run.stderr();
    for (const path of ['gateway.id', 'uplink.url', 'uplink.keepalive_s', 'devices.0.subject.kind']) expect(stderr).toContain(path);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a config file that is not YAML, or not there', async () => {
    const broken = runCli(['cloud', '--config', file('broken.yaml', 'broker: [unclosed')]);
    expect(await broken.exited).toBe(2);
    expect(broken.stderr()).toMatch(/YAML/);
    const missing = runCli(['gateway', '--config', join(dir, 'absent.yaml')]);
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toMatch(/cannot read: ENOENT/);
  });

  it('an unknown command or option is a usage error', async () => {
    const unknown = runCli(['fly']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toContain('unknown command "fly"');
    const badOption = runCli(['cloud', '--confg', 'x']);
    expect(await badOption.exited).toBe(2);
    expect(badOption.stderr()).toContain('--confg');
  });
});
