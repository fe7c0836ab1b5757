import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isCalendarDate, isKnownTimeZone, localDateTime, localTime, mondayOf } from '../../../../cloud/platform/local-calendar.js';

describe('local calendar', () => {
  it('reads the local date, weekday and minute in the zone: 16:10 UTC on Saturday Oct 31 is 00:10 on Sunday Nov 1 in Shanghai (UTC+8)', () => {
    expect(localDateTime(Date.parse('2026-10-31T16:10:00Z'), 'Asia/Shanghai')).toEqual({ date: '2026-11-01', weekday: 7, minuteOfDay: 10 });
    expect(localDateTime(Date.parse('2026-10-31T16:10:00Z'), 'UTC')).toEqual({ date: '2026-10-31', weekday: 6, minuteOfDay: 16 * 60 + 10 });
  });

  it('writes wall-clock times, and an unknown zone in the default one', () => {
    expect(localTime(Date.parse('2026-11-05T00:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-05 08:30');
    expect(localTime(Date.parse('2026-11-05T00:30:00Z'), 'Mars/Olympus_Mons')).toBe('2026-11-05 08:30');
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('follows daylight saving: 12:00 UTC is 08:00 in New York in summer (UTC-4) and 07:00 in winter (UTC-5)', () => {
    expect(localDateTime(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York').minuteOfDay).toBe(8 * 60);
    expect(localDateTime(Date.parse('2026-12-01T12:00:00Z'), 'America/New_York').minuteOfDay).toBe(7 * 60);
  });

  it('counts days on the calendar: month and year ends, leap days', () => {
    expect(addDays('2026-03-31', 1)).toBe('2026-04-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(daysBetween('2026-11-01', '2026-11-30')).toBe(29);
    expect(daysBetween('2026-11-30', '2026-11-01')).toBe(-29);
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
  });

  it('finds the Monday of the ISO week: Nov 1 2026 is a Sunday', () => {
    expect(mondayOf('2026-11-01')).toBe('2026-10-26');
    expect(mondayOf('2026-11-02')).toBe('2026-11-02');
    expect(mondayOf('2026-11-08')).toBe('2026-11-02');
  });

  it('takes only real dates written YYYY-MM-DD', () => {
    expect(isCalendarDate('2026-11-30')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    for (const text of ['2026-11-31', '2026-02-29', '2026-13-01', '30-11-2026', '2026-11-3', '2026-11-30T00:00', '']) expect(isCalendarDate(text), text).toBe(false);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });
});
