import { describe, expect, it } from 'vitest';
import { storeUnavailable } from '../../cloud/ingest/store-failure.js';

const withCode = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('telling a store that cannot write from a message it refuses', () => {
  it('holds on SQLSTATEs of an unavailable store: read-only standby, disk full, shutdown, lost connection, deadlock', () => {
    for (const code of ['25006', '53100', '53300', '57P01', '57P03', '08006', '08001', '40001', '40P01', '55P03', '58030']) {
      expect(storeUnavailable(withCode(code)), code).toBe(true);
    }
  });

  it('holds on socket errors, pg connection loss and the influx client having no host', () => {
    expect(storeUnavailable(withCode('ECONNREFUSED'))).toBe(true);
    expect(storeUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(storeUnavailable(new Error('No host available'))).toBe(true);
    class ServiceNotAvailableError extends Error {}
    expect(storeUnavailable(new ServiceNotAvailableError('Service Unavailable'))).toBe(true);
  });

  it('does not hold on data errors or anything unknown', () => {
    expect(storeUnavailable(withCode('22003', 'numeric value out of range'))).toBe(false);
    expect(storeUnavailable(withCode('23502', 'null value in column'))).toBe(false);
    expect(storeUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(storeUnavailable('a string')).toBe(false);
  });
});
