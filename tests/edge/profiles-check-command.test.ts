import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { PROFILES_DIR } from './edge-fixtures.js';

/** `estatecare profiles check` is the catalogue lint; the shipped catalogue must pass it. */
describe('estatecare profiles check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-profiles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the shipped catalogue and lists every profile', async () => {
    const run = runCli(['profiles', 'check']);
    expect(await run.exited, run.stderr()).toBe(0);
    const shipped = readdirSync(PROFILES_DIR).filter((name) => name.endsWith('.yaml'));
    expect(run.stdout()).toContain(`${shipped.length} profiles`);
    for (const file of shipped) expect(run.stdout()).toContain(file.replace('.yaml', ''));
  });

  it('lists every problem of a broken catalogue with its file and path, and exits 2', async () => {
    const sdm120 = readFileSync(join(PROFILES_DIR, 'eastron_sdm120.yaml'), 'utf8');
    const dlt645 = readFileSync(join(PROFILES_DIR, 'dlt645_single_phase_meter.yaml'), 'utf8');
    // Whole-catalogue checks: a second point on the voltage registers, a point name twice. (They run
    // once a file's shape is right, so the unit mistake sits in another file.)
    const broken = sdm120.replace(
        'points:\n',
        'points:\n  - name: voltage_again\n    unit: V\n    attributes: { table: input_register, address: 0x0001, type: float32 }\n  - name: frequency\n    unit: Hz\n    attributes: { table: input_register, address: 0x0100, type: float32 }\n',
      );
    writeFileSync(join(dir, 'eastron_sdm120.yaml'), broken);
    writeFileSync(join(dir, 'dlt645_single_phase_meter.yaml'), dlt645.replace(/unit: V\b/, 'unit: volts'));
    writeFileSync(join(dir, 'renamed_meter.yaml'), sdm120);
    writeFileSync(join(dir, 'not_yaml.yaml'), 'id: [unclosed');
    const run = runCli(['profiles', 'check', dir]);
    expect(await run.exited).toBe(2);
    const report = run.stderr();
    expect(report).toMatch(/dlt645_single_phase_meter\.yaml#points\.\d+\.unit: Invalid option/);
    expect(report).toMatch(/eastron_sdm120\.yaml#points\.\d+\.attributes: .*voltage/);
    expect(report).toMatch(/eastron_sdm120\.yaml#points\.\d+\.name: "frequency" is also points\.\d+/);
    expect(report).toContain('renamed_meter.yaml#id: id "eastron_sdm120" must equal the file name "renamed_meter"');
    expect(report).toMatch(/not_yaml\.yaml#\(file\): YAML/);
  });
});
