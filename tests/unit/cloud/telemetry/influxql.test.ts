import { describe, expect, it } from 'vitest';
import { qualifiedMeasurement, quoteIdentifier, quoteString, timeLiteral } from '../../../../cloud/telemetry/influxql.js';

describe('InfluxQL quoting', () => {
  it('escapes a single quote and a backslash inside a string literal', () => {
    expect(quoteString(`it's`)).toBe(`'it\\'s'`);
    expect(quoteString(`a\\b`)).toBe(`'a\\\\b'`);
    // A trailing backslash must not escape the closing quote.
    expect(quoteString(`x\\' OR 1=1`)).toBe(`'x\\\\\\' OR 1=1'`);
  });

  it('escapes a double quote and a backslash inside an identifier', () => {
    expect(quoteIdentifier('device_id')).toBe('"device_id"');
    expect(quoteIdentifier('a"b')).toBe('"a\\"b"');
    expect(quoteIdentifier('a\\')).toBe('"a\\\\"');
  });

  it('writes times as RFC 3339 literals with milliseconds', () => {
    expect(timeLiteral(Date.UTC(2026, 10, 24, 8, 50, 57, 123))).toBe(`'2026-11-24T08:50:57.123Z'`);
  });

  it('qualifies a measurement with database and retention policy only when a policy is named', () => {
    expect(qualifiedMeasurement('events', 'db')).toBe('"events"');
    expect(qualifiedMeasurement('events', 'my"db', 'rp_30d')).toBe('"my\\"db"."rp_30d"."events"');
  });
});
