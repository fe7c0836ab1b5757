import { describe, expect, it } from 'vitest';
import { brief } from '../care/harness.js';
import { arriving } from './acts.js';
import { WITH_CARER, WITH_CARER_PROFILE } from './routines.js';
import { dayAt, runScenario } from './scenario.js';

/**
 * The resident with a daily carer (10:30-11:30) gets up between 07:30 and 09:30, so her morning
 * check falls inside the carer's window. On day 18 she does not get up, and the carer does not
 * come either: the alert waits for the end of the carer's window, then goes out once.
 */
describe('a resident with a daily carer', () => {
  it('not up, and the carer does not come: care_visit at the end of the carer window, cleared by the housekeeper', () => {
    const alerts = runScenario({
      homes: [{ routine: WITH_CARER, profile: WITH_CARER_PROFILE }],
      days: 20,
      seed: 17,
      quiet: [{ unitId: WITH_CARER.unitId, from: dayAt(17, '23:00'), to: dayAt(18, '12:00') }],
      extra: [{ unitId: WITH_CARER.unitId, acts: arriving(dayAt(18, '12:00'), 'housekeeper') }],
    });
    expect(brief(alerts)).toEqual(['03-20 11:30 raised household_care hh-carer', '03-20 12:00 cleared household_care hh-carer']);
    const [raised] = alerts;
    // Her learned morning check falls in the carer's window; the overnight limit was held to it.
    const waited = raised!.evidence.waited_for_morning_check as string;
    expect(waited >= '10:30' && waited < '11:30').toBe(true);
    expect(raised!.evidence).toMatchObject({ check: 'inactivity', limit_window: 'night', limit_h: 12 });
    expect(raised!.reason.en).toContain('(overnight limit 12 h, waited for the usual morning)');
  });
});
