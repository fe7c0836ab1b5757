import { describe, expect, it } from 'vitest';
import { learnedDayLimit, type QuietSpan } from '../../../edge/rules/care/quiet-lengths.js';
import { at, DAY, enrolled, HOUR, MINUTE, rulesConfig } from './harness.js';

/**
 * A quiet resident's long quiets run about five hours (breakfast to her afternoon TV). Her water is
 * seen through a 10 L counter: one morning her 8.3 L flush at 09:02 never moved it, and the quiet the
 * meter showed ran from her kettle at 06:13 to her next flush at 13:34, two of her quiets joined by
 * a use the meter could not show (7 h 21 min). The learned limit covers that
 * (edge/rules/care/quiet-lengths.ts): 1.2 x her second-longest quiet plus the gap a hidden use can
 * bridge, where half an hour on top sent a housekeeper at 12:43.
 */
const household = rulesConfig({ care: { households: [enrolled('hh-frugal')] } }).care.households[0]!;
const watchStart = at('2026-01-05 00:00');
const quietStart = at('2026-02-07 06:13');
const atHome = { afterDoor: false, wentOut: false };

function spans(minutes: readonly number[]): QuietSpan[] {
  return minutes.map((length, index) => ({ from: quietStart - (index + 2) * 4 * DAY + 9 * HOUR, minutes: length, door: false }));
}

describe('a learned daytime limit, her water seen through a 10 L counter', () => {
  it('outlasts her long quiet joined to the gap before it by a flush the counter did not show', () => {
    const limit = learnedDayLimit(household, spans([320, 300, 280, 300, 295, 295]), watchStart, quietStart, atHome);
    expect(limit.basis).toBe('quiet_lengths');
    expect(limit.ms).toBeGreaterThan(7 * HOUR + 21 * MINUTE);
  });

  it('stays within the configured limit plus the most it may learn', () => {
    const limit = learnedDayLimit(household, spans([500, 480, 470]), watchStart, quietStart, atHome);
    expect(limit.ms).toBe((household.inactivity.day_limit_h + household.inactivity.max_learned_extra_h) * HOUR);
  });
});
