import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../../../shared/config/load-config.js';
import { DEFAULT_OUTBOX_DRAIN_SHARE, DEFAULT_OUTBOX_MAX_BYTES, GatewayConfigSchema } from '../../../../edge/config/gateway-config.js';

const base = { gateway: { id: 'test-outbox-gw' }, uplink: { url: 'mqtt://127.0.0.1:18830' } };

describe('gateway config: outbox section', () => {
  it('defaults to a 256 MiB budget and half the uplink for the telemetry backlog', () => {
    const config = validateConfig(GatewayConfigSchema, base, 'test', { env: {} });
    expect(config.outbox).toEqual({ max_bytes: DEFAULT_OUTBOX_MAX_BYTES, drain_share: DEFAULT_OUTBOX_DRAIN_SHARE });
    expect(DEFAULT_OUTBOX_MAX_BYTES).toBe(256 * 1024 * 1024);
  });

  it('takes a budget and share, and refuses a share outside (0, 1]', () => {
    const config = validateConfig(GatewayConfigSchema, { ...base, outbox: { max_bytes: 1_000_000, drain_share: 1 } }, 'test', { env: {} });
    expect(config.outbox).toEqual({ max_bytes: 1_000_000, drain_share: 1 });
    for (const drain_share of [0, 1.5]) {
      const problems = (): string[] => {
        try {
          validateConfig(GatewayConfigSchema, { ...base, outbox: { drain_share } }, 'test', { env: {} });
          return [];
        } catch (error) {
          return (error as ConfigError).problems.map((p) => p.path);
        }
      };
      expect(problems()).toEqual(['outbox.drain_share']);
    }
  });
});
