import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, MAX_DELIVERY_AGE_MS, retryDelayMs, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS, SEND_LEASE_MS, SEND_TIMEOUT_MS } from '../../../../cloud/notifications/delivery-policy.js';

describe('delivery policy', () => {
  it('backs off exponentially from the base delay and stops growing at the cap', () => {
    const delays = Array.from({ length: 9 }, (_, i) => retryDelayMs(i + 1));
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(delays[0]).toBe(RETRY_BASE_DELAY_MS);
    expect(Math.max(...delays)).toBe(RETRY_MAX_DELAY_MS);
  });

  it('gives up within the age limit or the attempts, whichever comes first, and outlasts a request in its lease', () => {
    const waitedBeforeLastAttempt = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1)).reduce((a, b) => a + b, 0);
    expect(waitedBeforeLastAttempt).toBeLessThan(MAX_DELIVERY_AGE_MS);
    expect(SEND_LEASE_MS).toBeGreaterThan(SEND_TIMEOUT_MS);
  });
});
