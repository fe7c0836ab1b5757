import { describe, expect, it } from 'vitest';
import { type Act } from '../scenarios/acts.js';
import { EARLY_RISER, EARLY_RISER_PROFILE } from '../scenarios/routines.js';
import { dayAt, runScenario } from '../scenarios/scenario.js';
import { brief, local } from './harness.js';

const FALL_DAY = 16;
const DAYS = 18;

/**
 * Her frost-free fridge defrosts every afternoon on its timer: the compressor runs from 15:05, the
 * 440 W defrost heater comes on at 15:20 for 16 minutes, and the recovery run after it keeps the
 * compressor on to 15:55. The floor of her electricity stands 125 W up for 50 minutes, which is how
 * a TV switched on looks for its first 90 (edge/rules/activity/power-floor.ts risingSince).
 */
function fridgeDefrosts(): Act[] {
  return Array.from({ length: DAYS }, (_, day): Act[] => [
    { kind: 'appliance', at: dayAt(day, '15:05'), watts: 125, minutes: 50, what: 'fridge compressor' },
    { kind: 'appliance', at: dayAt(day, '15:20'), watts: 440, minutes: 16, what: 'fridge defrost heater' },
  ]).flat();
}

/**
 * She flushes at 09:40 and falls; nobody comes. Her water meter's poll sees the flush at 09:45,
 * and her 6 h daytime limit falls due at 15:45, in the fridge's cycle. A check falling due while the
 * floor is rising waits for the rise to be judged (a resident who has just put the TV on is not
 * called), but not when one of the home's own machines, learned and set aside, came on in it: that
 * rise is the machine's. Waiting for it, she was called at 16:36.
 */
describe('a quiet check falling due in the fridge\'s defrost cycle', () => {
  it('does not wait for the floor the fridge holds up', () => {
    const alerts = runScenario({
      homes: [{ routine: EARLY_RISER, profile: EARLY_RISER_PROFILE }],
      days: DAYS,
      seed: 7,
      quiet: [{ unitId: EARLY_RISER.unitId, from: dayAt(FALL_DAY, '09:00') }],
      extra: [
        {
          unitId: EARLY_RISER.unitId,
          acts: [...fridgeDefrosts(), { kind: 'water', at: dayAt(FALL_DAY, '09:40'), litres: 6, minutes: 1, what: 'flush' }],
        },
      ],
    });
    expect(brief(alerts)[0]).toBe('03-18 15:45 raised household_care hh-early');
    expect(alerts[0]!.evidence).toMatchObject({ check: 'inactivity', limit_h: 6 });
    expect(local(alerts[0]!.evidence.inactive_since as string)).toBe('03-18 09:45');
    expect(alerts[0]!.reason.en).toMatch(/Not counted as activity: 440 W .* at 15:20/);
  });
});
