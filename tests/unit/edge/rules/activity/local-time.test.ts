import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../../../edge/rules/activity/local-time.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('formatDuration', () => {
  it('says minutes, then hours and minutes', () => {
    expect(formatDuration(0)).toEqual({ en: '0 min', zh: '0 分钟' });
    expect(formatDuration(42 * MINUTE)).toEqual({ en: '42 min', zh: '42 分钟' });
    expect(formatDuration(6 * HOUR)).toEqual({ en: '6 h', zh: '6 小时' });
    expect(formatDuration(47 * HOUR + 59 * MINUTE)).toEqual({ en: '47 h 59 min', zh: '47 小时 59 分' });
  });

  it('says days and hours from two days on, without the minutes', () => {
    expect(formatDuration(48 * HOUR)).toEqual({ en: '2 days', zh: '2 天' });
    expect(formatDuration(555 * HOUR + 42 * MINUTE)).toEqual({ en: '23 days 3 h', zh: '23 天 3 小时' });
  });
});
