import { describe, expect, it } from 'vitest';
import { at, brief } from '../../../../rules/care/harness.js';
import { Flat } from './flat.js';

/**
 * While her routine is still being learned the morning starts at the enrollment's 08:00, so a
 * kettle at 06:40 falls in her assumed sleep hours and, with nobody seen before it, is set aside as
 * a machine's. The tap ten minutes later says it was her: a short switch-on (off within a poll or
 * two) followed by a sign of her counts from when it came on, and she is up. A heater's reheat of a
 * quarter of an hour before the same flush does not: the flush alone is a night-time trip.
 */

/** Monday: an ordinary day to start watching from (a flush at 08:00, water through the day). */
function monday(flat: Flat): void {
  for (const hhmm of ['08:00', '12:00', '15:00', '18:00', '21:00']) flat.water(at(`2026-03-02 ${hhmm}`), 10);
}

describe('an early kettle before her routine is learned', () => {
  it('the kettle at 06:40, the tap at 06:50, then a quiet morning: she is up, and the morning check raises nothing', () => {
    const flat = new Flat(at('2026-03-02 00:00'));
    monday(flat);
    flat.load(at('2026-03-03 06:40'), 4, 1800).water(at('2026-03-03 06:50'), 10).water(at('2026-03-03 11:30'), 10);
    flat.liveTo(at('2026-03-03 12:00'));

    expect(flat.care()).toEqual([]);
  });

  it("a 2 kW heater's reheat of 15 minutes at 06:40 before the same flush is not her: no activity by 11:00 is raised", () => {
    const flat = new Flat(at('2026-03-02 00:00'));
    monday(flat);
    flat.load(at('2026-03-03 06:40'), 15, 2000).water(at('2026-03-03 06:50'), 10).water(at('2026-03-03 11:30'), 10);
    flat.liveTo(at('2026-03-03 12:00'));

    const care = flat.care();
    expect(brief(care)).toEqual(['03-03 11:00 raised household_care hh-1', '03-03 11:30 cleared household_care hh-1']);
    expect(care[0]!.reason.en).toContain('no activity by 11:00 (routine still being learned');
    expect(care[0]!.evidence.check).toBe('morning_check');
  });
});
