import { describe, expect, it } from 'vitest';
import { arriving, type Act } from '../scenarios/acts.js';
import { EARLY_RISER, EARLY_RISER_PROFILE } from '../scenarios/routines.js';
import { dayAt, runScenario } from '../scenarios/scenario.js';
import { brief } from './harness.js';

/**
 * Her water meter is dead (its device-offline ticket is out). She comes home at 16:09 and spends the
 * evening in: a 19 W lamp at 18:00 and the TV (63 W) for an hour, nothing near 300 W, her flushes
 * unseen. With the water meter blind the lamp is news of her: the floor of the electricity up 15 W
 * for ninety minutes (edge/rules/activity/power-floor.ts FAINT_LOAD_W), where 40 W was needed and
 * the quiet from the door was called at 23:00. A resident who fell after coming in switches no lamp
 * on at dusk: she is still called by 23:00.
 */
const home = { routine: EARLY_RISER, profile: EARLY_RISER_PROFILE };
const deadMeter = [{ deviceId: 'wm-hh-early', from: dayAt(16, '03:00') }];
const quiet = [{ unitId: 'hh-early', from: dayAt(17, '15:50'), to: dayAt(18, '05:00') }];

describe('an evening at home with the water meter dead', () => {
  it('the lamp at dusk and the TV are her: no care visit at 23:00', () => {
    const evening: Act[] = [
      ...arriving(dayAt(17, '16:09')),
      { kind: 'appliance', at: dayAt(17, '18:00'), watts: 19, minutes: 150, what: 'lamp' },
      { kind: 'appliance', at: dayAt(17, '19:15'), watts: 63, minutes: 60, what: 'tv' },
    ];
    const alerts = runScenario({ homes: [home], days: 19, seed: 13, meterDown: deadMeter, quiet, extra: [{ unitId: 'hh-early', acts: evening }] });
    expect(brief(alerts)).toEqual([]);
  });

  it('...while she who fell after coming in, no lamp on, is called at 23:00', () => {
    const alerts = runScenario({ homes: [home], days: 18, seed: 13, meterDown: deadMeter, quiet, extra: [{ unitId: 'hh-early', acts: arriving(dayAt(17, '16:09')) }] });
    expect(brief(alerts)[0]).toBe('03-19 23:00 raised household_care hh-early');
    expect(alerts[0]!.evidence).toMatchObject({ decided_on: 'door,electricity', no_data_from: 'wm-hh-early:offline' });
  });
});
