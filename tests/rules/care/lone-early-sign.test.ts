import { describe, expect, it } from 'vitest';
import { arriving, type Act } from '../scenarios/acts.js';
import type { Routine } from '../scenarios/daily-plan.js';
import { dayAt, runScenario } from '../scenarios/scenario.js';
import { local } from './harness.js';

/**
 * A resident whose mornings begin with the kettle at about 07:00 flushes once at 06:10, within the
 * hour before her usual window, and falls on her way back: nothing more is seen of her. One sign of
 * a kind her mornings do not begin with, and nothing after it, is not her morning
 * (edge/rules/care/morning-check.ts isUp): the morning check calls it, by noon, where the flush
 * taken for her getting up left it to the daytime limit, six hours after the flush.
 */
const KETTLE_FIRST: Routine = {
  unitId: 'hh-kettle',
  wakeMin: 7 * 60,
  wakeSpreadMin: 15,
  bedMin: 21 * 60 + 30,
  bedSpreadMin: 20,
  first: 'electricity',
  nightToilet: 0,
  walk: 0.3,
  dayTrip: 0,
};

describe('one early flush, then nothing', () => {
  it('is called by the morning check of her learned routine, not six hours after the flush', () => {
    const flush: Act = { kind: 'water', at: dayAt(16, '06:10'), litres: 7, minutes: 2, what: 'flush' };
    const alerts = runScenario({
      homes: [{ routine: KETTLE_FIRST, profile: { morning_check: { default_first_activity: '07:00' } } }],
      days: 18,
      seed: 5,
      quiet: [{ unitId: KETTLE_FIRST.unitId, from: dayAt(16, '00:00'), to: dayAt(16, '18:00') }],
      extra: [{ unitId: KETTLE_FIRST.unitId, acts: [flush, ...arriving(dayAt(16, '18:00'), 'housekeeper')] }],
    });
    const raised = alerts.find((alert) => alert.state === 'raised');
    expect(raised?.evidence).toMatchObject({ check: 'morning_check', baseline: 'learned', usual_first_signal: 'electricity' });
    expect(local(raised!.event_time) < '03-18 12:00').toBe(true);
    // Seen last at the flush (the meter's next poll).
    expect(local(raised!.evidence.inactive_since as string)).toMatch(/^03-18 06:1\d$/);
  });
});
