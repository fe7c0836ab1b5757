import { describe, expect, it } from 'vitest';
import { MAX_EVENT_AGE_MS, MAX_EVENT_TIME_AHEAD_MS, judgeEventTime } from '../../../../shared/contract/index.js';

const NOW = Date.UTC(2026, 11, 5, 9, 0, 0);

describe('event times the cloud believes', () => {
  it('takes a gateway backlog of weeks and a clock a few minutes fast', () => {
    expect(judgeEventTime(NOW, NOW)).toBe('plausible');
    expect(judgeEventTime(NOW - 60 * 24 * 3600_000, NOW)).toBe('plausible');
    expect(judgeEventTime(NOW + 5 * 60_000, NOW)).toBe('plausible');
  });

  it('refuses the year 9999 and a clock reset to 2000, with the bound itself still taken', () => {
    expect(judgeEventTime(Date.UTC(9999, 0, 1), NOW)).toBe('event_time_ahead');
    expect(judgeEventTime(Date.UTC(2000, 0, 1), NOW)).toBe('event_time_too_old');
    expect(judgeEventTime(0, NOW)).toBe('event_time_too_old');
    expect(judgeEventTime(NOW + MAX_EVENT_TIME_AHEAD_MS, NOW)).toBe('plausible');
    expect(judgeEventTime(NOW + MAX_EVENT_TIME_AHEAD_MS + 1, NOW)).toBe('event_time_ahead');
    expect(judgeEventTime(NOW - MAX_EVENT_AGE_MS, NOW)).toBe('plausible');
    expect(judgeEventTime(NOW - MAX_EVENT_AGE_MS - 1, NOW)).toBe('event_time_too_old');
  });
});
