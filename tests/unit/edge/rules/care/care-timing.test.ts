import { describe, expect, it } from 'vitest';
import { CareHouseholdSchema, type CareHousehold } from '../../../../../shared/contract/rules-config-care.js';
import type { HouseholdCareState } from '../../../../../edge/rules/care/care-state.js';
import { inactivityDeadline } from '../../../../../edge/rules/care/inactivity-limit.js';
import { morningCheckAfter, morningRoutine, quantile, type FirstActivity } from '../../../../../edge/rules/care/morning-routine.js';
import { localDayNumber } from '../../../../../edge/rules/activity/local-time.js';
import { at, enrolled, local } from '../../../../rules/care/harness.js';

const household = (profile: Record<string, unknown> = {}): CareHousehold => CareHouseholdSchema.parse(enrolled('hh-1', profile));
const DAY0 = localDayNumber(at('2026-03-02 12:00'), 480);

/** A household's state with this routine history, watched for a long time. */
const watched = (firsts: FirstActivity[] = []): HouseholdCareState => ({ watch_start: 0, activity: { last: {} }, firsts });

/** Days of history with first activity at the given local minutes. */
function history(minutes: number[], signal: FirstActivity['signal'] = 'water'): FirstActivity[] {
  return minutes.map((minute, index) => ({ day: DAY0 - minutes.length + index, minute, signal }));
}

describe('inactivity limit by time of day', () => {
  it('quiet inside the daytime window is judged on the daytime limit, up to the end of the window (23:00)', () => {
    const deadline = inactivityDeadline(household(), watched(), at('2026-03-02 10:00'));
    expect([local(deadline.at), deadline.window, deadline.heldToMorning]).toEqual(['03-02 16:00', 'day', false]);
    expect(local(inactivityDeadline(household(), watched(), at('2026-03-02 17:00')).at)).toBe('03-02 23:00');
  });

  it('quiet that begins in the evening is judged by the morning: the night limit, held to the morning check', () => {
    // 17:01 + 12 h = 05:01, before the (default) check at 11:00: held to it
    expect(local(inactivityDeadline(household(), watched(), at('2026-03-02 17:01')).at)).toBe('03-03 11:00');
    expect(local(inactivityDeadline(household(), watched(), at('2026-03-02 21:30')).at)).toBe('03-03 11:00');
    expect(local(inactivityDeadline(household(), watched(), at('2026-03-02 02:00')).at)).toBe('03-02 14:00');
    expect(local(inactivityDeadline(household({ morning_check: { enabled: false } }), watched(), at('2026-03-02 17:01')).at)).toBe('03-03 05:01');
  });

  it('quiet after she got up, in her rising hour or later, counts as daytime even before 07:00; in the small hours it does not', () => {
    const early = household({ morning_check: { default_first_activity: '06:00' } });
    const upAt = (clock: string): HouseholdCareState => ({ ...watched(), today: { day: DAY0, up: { at: at(`2026-03-02 ${clock}`), signal: 'water' } } });
    const deadline = inactivityDeadline(early, upAt('05:30'), at('2026-03-02 05:40'));
    expect([local(deadline.at), deadline.window]).toEqual(['03-02 11:40', 'day']);
    // two trips to the toilet at 04:10 and 04:20 are not her morning (usual 06:00: mornings begin at 05:00)
    expect(inactivityDeadline(early, upAt('04:10'), at('2026-03-02 04:20')).window).toBe('night');
  });

  it('a night deadline before her usual morning check waits for it', () => {
    // up 08:00-09:20 as a rule: checked at 11:20
    const late = history(Array.from({ length: 20 }, (_, index) => 480 + (index % 5) * 20));
    expect(morningRoutine(household(), late, DAY0)).toMatchObject({ learned: true, usualFrom: 500, usualTo: 540, checkAt: 660 });
    const held = inactivityDeadline(household(), watched(late), at('2026-03-01 21:00'));
    expect([local(held.at), held.heldToMorning]).toEqual(['03-02 11:00', true]);
    const evening = inactivityDeadline(household(), watched(late), at('2026-03-01 17:30'));
    expect([local(evening.at), evening.heldToMorning]).toEqual(['03-02 11:00', true]);
    expect(inactivityDeadline(household({ morning_check: { enabled: false } }), watched(late), at('2026-03-01 21:00')).heldToMorning).toBe(false);
  });
});

describe('morning routine', () => {
  it('uses the fixed default until min_history_days of history exist, with the wider learning margin', () => {
    expect(morningRoutine(household(), history([360, 370, 365]), DAY0)).toEqual({ learned: false, kind: 'weekday', days: 3, usualFrom: 480, usualTo: 480, signal: undefined, checkAt: 660 });
    // 10:30 + 3 h is past latest_check (11:30), which a usual 10:30 still leaves an hour after it
    expect(morningRoutine(household({ morning_check: { default_first_activity: '10:30' } }), [], DAY0).checkAt).toBe(690);
  });

  it('learns the usual window (interquartile range) and checks 2 h after its upper end, or 1.5 IQR when looser, or 4 h while that is by 11:00', () => {
    const tight = history([400, 410, 420, 430, 405, 415, 425, 435, 400, 410, 420, 430, 405, 415], 'water');
    // 07:04 + 4 h is past 11:00 (half an hour before latest_check): checked at 11:00
    expect(morningRoutine(household({ morning_check: { by_kind_of_day: false } }), tight, DAY0)).toEqual({ learned: true, kind: 'any', days: 14, usualFrom: 406, usualTo: 424, signal: 'water', checkAt: 660 });
    // a later latest_check leaves the 4 h whole, and the 2 h margin still bounds it when the wait is cut
    expect(morningRoutine(household({ morning_check: { by_kind_of_day: false, latest_check: '13:00' } }), tight, DAY0).checkAt).toBe(424 + 240);
    expect(morningRoutine(household({ morning_check: { by_kind_of_day: false, latest_check: '09:30' } }), tight, DAY0).checkAt).toBe(424 + 120);
    const loose = history([420, 480, 540, 600, 420, 480, 540, 600, 420, 480, 540, 600, 420, 480], 'electricity');
    expect(morningRoutine(household({ morning_check: { by_kind_of_day: false, latest_check: '12:00' } }), loose, DAY0)).toMatchObject({ usualFrom: 435, usualTo: 540, checkAt: 540 + 158 });
    // ...but not after latest_check (11:30 by default)
    expect(morningRoutine(household({ morning_check: { by_kind_of_day: false } }), loose, DAY0).checkAt).toBe(690);
  });

  it('learns from the most recent history_days only, and never from the day it checks', () => {
    const old = history([...Array.from({ length: 30 }, () => 300), ...Array.from({ length: 28 }, () => 420)]);
    expect(morningRoutine(household(), old, DAY0)).toMatchObject({ usualFrom: 420, usualTo: 420 });
    expect(morningRoutine(household(), [...history(Array.from({ length: 14 }, () => 420)), { day: DAY0, minute: 900, signal: 'door' }], DAY0).usualTo).toBe(420);
  });

  it('the next check is today\'s while ahead, else tomorrow\'s', () => {
    expect(local(morningCheckAfter(household(), [], at('2026-03-02 09:00')).at)).toBe('03-02 11:00');
    expect(local(morningCheckAfter(household(), [], at('2026-03-02 11:00')).at)).toBe('03-03 11:00');
    expect(local(morningCheckAfter(household(), [], at('2026-03-02 11:00')).risingFrom)).toBe('03-03 07:00');
  });

  it('quantiles interpolate between ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([5], 0.75)).toBe(5);
  });
});
