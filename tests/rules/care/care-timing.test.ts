import { describe, expect, it } from 'vitest';
import { CareHouseholdSchema, type CareHousehold } from '../../../shared/contract/rules-config-care.js';
import { inactivityDeadline } from '../../../edge/rules/care/inactivity-limit.js';
import { morningCheckAfter, morningRoutine, quantile, type FirstActivity } from '../../../edge/rules/care/morning-routine.js';
import { localDayNumber } from '../../../edge/rules/activity/local-time.js';
import { at, enrolled, local } from './harness.js';

const household = (profile: Record<string, unknown> = {}): CareHousehold => CareHouseholdSchema.parse(enrolled('hh-1', profile));
const DAY0 = localDayNumber(at('2026-03-02 12:00'), 480);

/** Days of history with first activity at the given local minutes. */
function history(minutes: number[], signal: FirstActivity['signal'] = 'water'): FirstActivity[] {
  return minutes.map((minute, index) => ({ day: DAY0 - minutes.length + index, minute, signal }));
}

describe('inactivity limit by time of day', () => {
  it('quiet inside the daytime window is judged on the daytime limit', () => {
    const deadline = inactivityDeadline(household(), [], at('2026-03-02 10:00'));
    expect([local(deadline.at), deadline.window, deadline.heldToMorning]).toEqual(['03-02 16:00', 'day', false]);
    expect(local(inactivityDeadline(household(), [], at('2026-03-02 16:00')).at)).toBe('03-02 22:00');
  });

  it('quiet that takes in the night is judged on the night limit, which never shortens', () => {
    expect(local(inactivityDeadline(household(), [], at('2026-03-02 16:01')).at)).toBe('03-03 04:01');
    // 21:30 + 12 h = 09:30, in the morning (the default: up by 08:00, checked at 10:00): held to 10:00
    expect(local(inactivityDeadline(household(), [], at('2026-03-02 21:30')).at)).toBe('03-03 10:00');
    expect(local(inactivityDeadline(household(), [], at('2026-03-02 02:00')).at)).toBe('03-02 14:00');
  });

  it('a night deadline in her usual getting-up time waits for the morning check; one before her mornings begin does not', () => {
    // up 08:00-09:20 as a rule: checked at 11:20; mornings begin an hour before 08:00
    const late = history(Array.from({ length: 20 }, (_, index) => 480 + (index % 5) * 20));
    expect(morningRoutine(household(), late, DAY0)).toMatchObject({ learned: true, usualFrom: 500, usualTo: 540, checkAt: 660 });
    const held = inactivityDeadline(household(), late, at('2026-03-01 21:00'));
    expect([local(held.at), held.heldToMorning]).toEqual(['03-02 11:00', true]);
    const early = inactivityDeadline(household(), late, at('2026-03-01 17:00'));
    expect([local(early.at), early.heldToMorning]).toEqual(['03-02 05:00', false]);
    expect(inactivityDeadline(household({ morning_check: { enabled: false } }), late, at('2026-03-01 21:00')).heldToMorning).toBe(false);
  });
});

describe('morning routine', () => {
  it('uses the fixed default until min_history_days of history exist', () => {
    expect(morningRoutine(household(), history([360, 370, 365]), DAY0)).toEqual({ learned: false, days: 3, usualFrom: 480, usualTo: 480, signal: undefined, checkAt: 600 });
    expect(morningRoutine(household({ morning_check: { default_first_activity: '10:30' } }), [], DAY0).checkAt).toBe(750);
  });

  it('learns the usual window (interquartile range) and checks 2 h after its upper end, or 1.5 IQR when looser', () => {
    const tight = history([400, 410, 420, 430, 405, 415, 425, 435, 400, 410, 420, 430, 405, 415], 'water');
    expect(morningRoutine(household(), tight, DAY0)).toEqual({ learned: true, days: 14, usualFrom: 406, usualTo: 424, signal: 'water', checkAt: 544 });
    const loose = history([420, 480, 540, 600, 420, 480, 540, 600, 420, 480, 540, 600, 420, 480], 'electricity');
    expect(morningRoutine(household(), loose, DAY0)).toMatchObject({ usualFrom: 435, usualTo: 540, checkAt: 540 + 158 });
  });

  it('learns from the most recent history_days only, and never from the day it checks', () => {
    const old = history([...Array.from({ length: 30 }, () => 300), ...Array.from({ length: 28 }, () => 420)]);
    expect(morningRoutine(household(), old, DAY0)).toMatchObject({ usualFrom: 420, usualTo: 420 });
    expect(morningRoutine(household(), [...history(Array.from({ length: 14 }, () => 420)), { day: DAY0, minute: 900, signal: 'door' }], DAY0).usualTo).toBe(420);
  });

  it('the next check is today\'s while ahead, else tomorrow\'s', () => {
    expect(local(morningCheckAfter(household(), [], at('2026-03-02 09:00')).at)).toBe('03-02 10:00');
    expect(local(morningCheckAfter(household(), [], at('2026-03-02 10:00')).at)).toBe('03-03 10:00');
    expect(local(morningCheckAfter(household(), [], at('2026-03-02 10:00')).risingFrom)).toBe('03-03 07:00');
  });

  it('quantiles interpolate between ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([5], 0.75)).toBe(5);
  });
});
