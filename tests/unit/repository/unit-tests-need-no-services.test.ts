import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, typeScriptFilesBelow } from '../../support/source-imports.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const UNIT_DIR = fileURLToPath(new URL('..', import.meta.url));
const SUPPORT_DIR = fileURLToPath(new URL('../../support/', import.meta.url));

/** Packages a test would use to reach a service, a peer or another process. */
const SERVICE_PACKAGES = new Set(['mqtt', 'pg', '@electric-sql/pglite', 'aedes', 'influx', '@influxdata/influxdb-client', 'modbus-serial', 'serialport', 'node:child_process', 'node:net', 'node:http']);
/** Test support that starts or reaches PostgreSQL, Mosquitto, InfluxDB, a Modbus peer, a pty or the CLI. */
const SERVICE_SUPPORT = /^(postgres|private-postgres|sql-backends|mosquitto|influxdb|private-influxdb|python-peer|serial-peer|pty-pair|cli|test-cloud|test-api|staff-tokens|restartable-server|gateway-publisher|modbus-lift-monitors|device-logins|net)\.ts$/;

/**
 * What a unit test reaches on the test side: the test files and test helpers it imports, directly or
 * through each other (source modules are the code under test, and only their use is checked here).
 */
function testSideReach(file: string): string[] {
  const seen = new Set([file]);
  const queue = [file];
  while (queue.length > 0) {
    for (const target of importsOf(queue.shift()!).files) {
      if (seen.has(target) || relative(ROOT, target).split('/')[0] !== 'tests') continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return [...seen];
}

describe('unit tests (tests/unit/, `npm run test:unit`)', () => {
  it('need no service, peer or child process, so they run anywhere in seconds', () => {
    const units = typeScriptFilesBelow(UNIT_DIR).filter((file) => file.endsWith('.test.ts'));
    expect(units.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const unit of units) {
      for (const reached of testSideReach(unit)) {
        const why = relative(ROOT, reached) === relative(ROOT, unit) ? '' : ` (through ${relative(ROOT, reached)})`;
        for (const name of importsOf(reached).packages) if (SERVICE_PACKAGES.has(name)) problems.push(`${relative(ROOT, unit)} uses ${name}${why}`);
        const support = relative(SUPPORT_DIR, reached);
        if (!support.startsWith('..') && SERVICE_SUPPORT.test(support)) problems.push(`${relative(ROOT, unit)} uses tests/support/${support}: move it out of tests/unit/`);
      }
    }
    expect(problems).toEqual([]);
  });
});
