import { describe, expect, it } from 'vitest';
import { arriving } from '../scenarios/acts.js';
import { EARLY_RISER } from '../scenarios/routines.js';
import { dayAt, runScenario } from '../scenarios/scenario.js';
import { brief } from './harness.js';

/**
 * She comes home at 10:00 and falls. Her daytime limit (6 h) runs out at 16:00, the very poll her
 * electricity meter does not answer: for a few minutes the household has an in-home meter blind,
 * which would give the quiet the night limit within the day (22:00). A meter that missed its last
 * poll is not yet known blind: the check looks again a quarter of an hour later
 * (edge/rules/care/inactivity-check.ts), when it answers again, and calls her then.
 */
describe('a poll missed just when the daytime limit runs out', () => {
  it('is looked at again a quarter of an hour later, not left to the night limit', () => {
    const alerts = runScenario({
      homes: [{ routine: EARLY_RISER, profile: { morning_check: { default_first_activity: '06:00' }, inactivity: { learn_quiet: false } } }],
      days: 18,
      seed: 13,
      quiet: [{ unitId: 'hh-early', from: dayAt(17, '09:50') }],
      extra: [{ unitId: 'hh-early', acts: arriving(dayAt(17, '10:00')) }],
      meterDown: [{ deviceId: 'em-hh-early', from: dayAt(17, '15:59'), to: dayAt(17, '16:06') }],
    });
    expect(brief(alerts)).toEqual(['03-19 16:15 raised household_care hh-early']);
    expect(alerts[0]!.evidence).toMatchObject({ limit_h: 6 });
  });
});
