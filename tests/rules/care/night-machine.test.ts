import { describe, expect, it } from 'vitest';
import { type Act } from '../scenarios/acts.js';
import { EARLY_RISER, EARLY_RISER_PROFILE } from '../scenarios/routines.js';
import { dayAt, runScenario } from '../scenarios/scenario.js';
import { local } from './harness.js';

/**
 * An early riser flushes at 05:50 and puts the kettle on at 06:10; at 06:35, 40 minutes after her
 * last water but 25 after the kettle, she switches on a 1.3 kW heater for half an hour, and then
 * falls. The heater is hers: a switch-on is held as a machine at night only when nobody was seen
 * in the half hour before it, and the kettle that counted as her is somebody seen
 * (edge/rules/care/meter-sightings.ts holdKind). Her quiet runs from the heater, not the kettle.
 */
describe('a big switch-on before 07:00, half an hour after her kettle', () => {
  it('is her, not a machine at night', () => {
    const morning: Act[] = [
      { kind: 'water', at: dayAt(16, '05:50'), litres: 7, minutes: 2, what: 'flush' },
      { kind: 'appliance', at: dayAt(16, '06:10'), watts: 2000, minutes: 4, what: 'kettle' },
      { kind: 'appliance', at: dayAt(16, '06:35'), watts: 1300, minutes: 30, what: 'heater' },
    ];
    const alerts = runScenario({
      homes: [{ routine: EARLY_RISER, profile: EARLY_RISER_PROFILE }],
      days: 18,
      seed: 5,
      quiet: [{ unitId: EARLY_RISER.unitId, from: dayAt(16, '00:00') }],
      extra: [{ unitId: EARLY_RISER.unitId, acts: morning }],
    });
    const raised = alerts.find((alert) => alert.state === 'raised');
    expect(raised?.evidence.check).toBe('inactivity');
    expect(local(raised!.evidence.inactive_since as string)).toMatch(/^03-18 06:(3[5-9]|40)$/);
    expect(raised!.reason.en).not.toMatch(/at night/);
  });
});
