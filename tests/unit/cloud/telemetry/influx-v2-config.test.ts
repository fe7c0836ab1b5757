import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../../../shared/config/load-config.js';
import { CLOUD_ENV_OVERRIDES, CloudConfigSchema } from '../../../../cloud/config/cloud-config.js';
import { toV2Point } from '../../../../cloud/telemetry/influx-v2-line-protocol.js';
import { FIRST_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS, retryDelay } from '../../../../cloud/telemetry/influx-v2-telemetry-store.js';

const base = { broker: { embedded: true } };

function problemsOf(raw: unknown, env: NodeJS.ProcessEnv = {}): Array<{ path: string; message: string }> {
  try {
    validateConfig(CloudConfigSchema, raw, 'cloud.yaml', { env, envOverrides: CLOUD_ENV_OVERRIDES });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('telemetry backend influxdb2 in the cloud config', () => {
  it('takes url, token, org and bucket, the token from ESTATECARE_INFLUX_TOKEN', () => {
    const config = validateConfig(
      CloudConfigSchema,
      { ...base, telemetry: { backend: 'influxdb2', influxdb2: { url: 'https://influx.example.com:8086', org: 'harbour', bucket: 'telemetry' } } },
      'cloud.yaml',
      { env: { ESTATECARE_INFLUX_TOKEN: 'from-the-environment' }, envOverrides: CLOUD_ENV_OVERRIDES },
    );
    expect(config.telemetry).toEqual({
      backend: 'influxdb2',
      influxdb2: { url: 'https://influx.example.com:8086', token: 'from-the-environment', org: 'harbour', bucket: 'telemetry' },
    });
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf({ ...base, telemetry: { backend: 'influxdb2', influxdb2: { url: 'ftp://influx', org: '' } } });
    expect(problems.map((p) => p.path).sort()).toEqual(['telemetry.influxdb2.bucket', 'telemetry.influxdb2.org', 'telemetry.influxdb2.token', 'telemetry.influxdb2.url']);
    expect(problems.find((p) => p.path === 'telemetry.influxdb2.token')?.message).toContain('ESTATECARE_INFLUX_TOKEN');
  });

  it('names the section missing', () => {
    expect(problemsOf({ ...base, telemetry: { backend: 'influxdb2' } }).map((p) => p.path)).toEqual(['telemetry.influxdb2']);
  });
});

describe('v2 line protocol', () => {
  it('escapes commas and spaces in the measurement, and equals signs in tag and field keys', () => {
    const line = toV2Point({ measurement: 'door events,x', tags: { 'a=b': 'c d' }, fields: { 'f,1': 'v', n: -0.5 }, timestamp: 1_764_000_000_123 }).toLineProtocol();
    expect(line).toBe('door\\ events\\,x,a\\=b=c\\ d f\\,1="v",n=-0.5 1764000000123');
  });
});

describe('the wait between attempts of a v2 write', () => {
  it("is the server's Retry-After in ms, or nothing when that is beyond the store's longest wait", () => {
    expect(retryDelay(1, 3)).toBe(3_000);
    expect(retryDelay(2, MAX_RETRY_DELAY_MS / 1_000 + 1)).toBeNull();
  });

  it('doubles from FIRST_RETRY_DELAY_MS with up to a fifth of jitter, capped', () => {
    expect([1, 2, 3].map((attempt) => retryDelay(attempt, 0, () => 0))).toEqual([FIRST_RETRY_DELAY_MS, 2 * FIRST_RETRY_DELAY_MS, 4 * FIRST_RETRY_DELAY_MS]);
    expect(retryDelay(1, 0, () => 1)).toBe(FIRST_RETRY_DELAY_MS * 1.2);
    expect(retryDelay(30, 0, () => 0)).toBe(MAX_RETRY_DELAY_MS);
  });
});
