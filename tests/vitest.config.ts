import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    // A test that never reaches an expect() fails instead of passing silently.
    expect: { requireAssertions: true },
    hookTimeout: 60_000,
    pool: 'forks',
    // The suite talks to real PostgreSQL, Mosquitto and InfluxDB; two workers suit a 2-core machine.
    maxWorkers: 2,
    reporters: ['default', './tests/support/plain-summary-reporter.ts'],
  },
});
