import { defineConfig } from 'vitest/config';

/**
 * Two projects, one run: `npm test` runs both; `npm run test:unit` only the first.
 * - unit: tests/unit/, laid out like the source tree; no PostgreSQL, Mosquitto, InfluxDB, network
 *   peer or child process (tests/unit/repository/unit-tests-need-no-services.test.ts checks it),
 *   so they run in seconds anywhere;
 * - integration: everything else, against the real services (contract suites on every backend,
 *   drivers against real peers, fault and end-to-end tests).
 */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    testTimeout: 30_000,
    // A test that never reaches an expect() fails instead of passing silently.
    expect: { requireAssertions: true },
    hookTimeout: 60_000,
    pool: 'forks',
    // The suite talks to real PostgreSQL, Mosquitto and InfluxDB; two workers suit a 2-core machine.
    maxWorkers: 2,
    reporters: ['default', './tests/support/plain-summary-reporter.ts'],
    projects: [
      // Unit tests share a worker's module cache (isolate: false): most of their time is loading modules.
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: ['tests/unit/**'] } },
    ],
  },
});
