import { describe, expect, it } from 'vitest';
import { zonedIsoTime } from '../../../../cloud/platform/local-calendar.js';
import { bucketWidthFor } from '../../../../cloud/telemetry/telemetry-evidence-reader.js';
import { evidenceWindow, MAX_EVIDENCE_SPAN_MS } from '../../../../cloud/telemetry/ticket-evidence-window.js';
import { influxMonthsDuration, RetentionSettingsSchema, retentionCutoffs } from '../../../../cloud/telemetry/retention-settings.js';
import { deviceAvailability } from '../../../../cloud/registry/device-availability.js';
import { gatewayClock } from '../../../../cloud/registry/gateway-clock.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('zoned ISO times', () => {
  it('writes the instant with the zone’s offset at that instant, milliseconds kept', () => {
    expect(zonedIsoTime(Date.parse('2026-11-24T08:00:00.123Z'), 'Asia/Shanghai')).toBe('2026-11-24T16:00:00.123+08:00');
    expect(zonedIsoTime(Date.parse('2026-11-24T20:30:59.999Z'), 'Asia/Shanghai')).toBe('2026-11-25T04:30:59.999+08:00');
    expect(zonedIsoTime(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('2026-07-01T08:00:00.000-04:00');
    expect(zonedIsoTime(Date.parse('2026-12-01T12:00:00Z'), 'America/New_York')).toBe('2026-12-01T07:00:00.000-05:00');
    expect(zonedIsoTime(Date.parse('2026-12-01T12:00:00Z'), 'Asia/Kolkata')).toBe('2026-12-01T17:30:00.000+05:30');
    expect(zonedIsoTime(Date.parse('2026-12-01T12:00:00Z'), 'UTC')).toBe('2026-12-01T12:00:00.000+00:00');
  });

  it('reads back as the same instant', () => {
    for (const at of [Date.parse('2026-03-08T06:59:59.500Z'), Date.parse('2026-03-08T07:00:00Z'), Date.parse('2026-11-01T05:30:00Z')]) {
      expect(Date.parse(zonedIsoTime(at, 'America/New_York'))).toBe(at);
    }
  });
});

describe('thinning and the evidence window', () => {
  it('fits a span into at most the asked buckets, in whole seconds', () => {
    expect(bucketWidthFor({ from: 0, to: 30 * DAY }, 300)).toBe(8_640_000);
    expect(bucketWidthFor({ from: 0, to: 10 * HOUR }, 300)).toBe(120_000);
    expect(bucketWidthFor({ from: 0, to: 10 * MINUTE }, 300)).toBe(2_000);
    expect(bucketWidthFor({ from: 0, to: 1 }, 300)).toBe(1_000);
    expect(Math.ceil((30 * DAY + 1) / bucketWidthFor({ from: 0, to: 30 * DAY + 1 }, 300))).toBeLessThanOrEqual(300);
  });

  const ticket = { type: 'lift_fault' as const, raisedAt: 100 * DAY, alertClearedAt: null, closedAt: null };

  it('runs from 2 h before the raise to 30 min after the clear, never past now', () => {
    expect(evidenceWindow({ ...ticket, alertClearedAt: 100 * DAY + HOUR }, 101 * DAY)).toEqual({ from: 100 * DAY - 2 * HOUR, to: 100 * DAY + HOUR + 30 * MINUTE, episodeFrom: 100 * DAY, episodeTo: 100 * DAY + HOUR });
    expect(evidenceWindow(ticket, 100 * DAY + 10 * MINUTE)).toMatchObject({ to: 100 * DAY + 10 * MINUTE, episodeTo: null });
    expect(evidenceWindow({ ...ticket, closedAt: 100 * DAY + 5 * MINUTE }, 101 * DAY)).toMatchObject({ to: 100 * DAY + 35 * MINUTE, episodeTo: 100 * DAY + 5 * MINUTE });
  });

  it('gives a care visit a week before, and keeps the latest 45 days of a long episode', () => {
    expect(evidenceWindow({ ...ticket, type: 'care_visit' }, 100 * DAY + HOUR).from).toBe(93 * DAY);
    const long = evidenceWindow(ticket, 160 * DAY);
    expect(long.to - long.from).toBe(MAX_EVIDENCE_SPAN_MS);
    expect(long.to).toBe(160 * DAY);
  });
});

describe('retention rules', () => {
  const settings = RetentionSettingsSchema.parse({});

  it('defaults to 30 days raw, 13 months hourly, three years of closed tickets, at 03:30 in Shanghai', () => {
    expect(settings).toMatchObject({ raw_days: 30, hourly_months: 13, closed_ticket_days: 1095, nightly_at: '03:30', time_zone: 'Asia/Shanghai' });
    expect(influxMonthsDuration(13)).toBe('403d');
  });

  it('cuts at whole UTC hours: raw_days back and hourly_months calendar months back', () => {
    const now = Date.parse('2026-03-31T19:45:12Z');
    expect(retentionCutoffs(now, settings)).toEqual({
      readingsBefore: Date.parse('2026-03-01T19:00:00Z'),
      eventsBefore: Date.parse('2026-03-01T19:00:00Z'),
      hourlyBefore: Date.parse('2025-02-28T19:00:00Z'), // 13 months before March 31: the last day of February, never March 3rd
      downsampleFrom: Date.parse('2026-02-22T19:00:00Z'),
    });
  });

  it('refuses settings naming the field: a bad time, an unknown zone, hours kept shorter than raw', () => {
    const issues = (input: object) => RetentionSettingsSchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));
    expect(issues({ nightly_at: '3:30' })).toEqual(['nightly_at']);
    expect(issues({ time_zone: 'Mars/Olympus_Mons' })).toEqual(['time_zone']);
    expect(issues({ raw_days: 400, hourly_months: 13 })).toEqual(['hourly_months']);
    expect(issues({ raw_days: 0 })).toEqual(['raw_days']);
  });
});

describe('device availability', () => {
  it('counts the union of the device’s and the gateway’s offline stretches, per hour and overall', () => {
    const from = 0;
    const to = 4 * HOUR;
    const availability = deviceAvailability(
      [
        { from: -HOUR, to: 30 * MINUTE, cause: 'device' },
        { from: 15 * MINUTE, to: HOUR, cause: 'gateway' },
        { from: 3 * HOUR, to: null, cause: 'device' },
      ],
      from,
      to,
    );
    expect(availability.hourly).toEqual([0, 1, 1, 0]);
    expect(availability.ratio).toBe(0.5);
    expect(availability.offline).toEqual([
      { from: 0, to: 30 * MINUTE, cause: 'device' },
      { from: 15 * MINUTE, to: HOUR, cause: 'gateway' },
      { from: 3 * HOUR, to: null, cause: 'device' },
    ]);
  });

  it('is 1 with no stretch in the window, and a short last hour is judged on its own length', () => {
    expect(deviceAvailability([{ from: -2 * HOUR, to: -HOUR, cause: 'device' }], 0, 90 * MINUTE)).toEqual({ ratio: 1, hourly: [1, 1], offline: [] });
    expect(deviceAvailability([{ from: 75 * MINUTE, to: 90 * MINUTE, cause: 'device' }], 0, 90 * MINUTE).hourly).toEqual([1, 0.5]);
  });
});

describe('gateway clock', () => {
  it('flags an offset beyond 60 s either way, and nothing without a measurement', () => {
    expect(gatewayClock({ clockOffsetMs: 61_000, gatewaySentAt: 0 }).drifting).toBe(true);
    expect(gatewayClock({ clockOffsetMs: -61_000, gatewaySentAt: 0 }).drifting).toBe(true);
    expect(gatewayClock({ clockOffsetMs: 60_000, gatewaySentAt: 0 })).toEqual({ offset_s: 60, drifting: false, measured_at: '1970-01-01T00:00:00.000Z' });
    expect(gatewayClock({ clockOffsetMs: null, gatewaySentAt: null })).toEqual({ offset_s: null, drifting: false, measured_at: null });
  });
});
