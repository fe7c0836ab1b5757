import { describe, expect, it } from 'vitest';
import { brief } from '../care/harness.js';
import { EARLY_RISER, EARLY_RISER_PROFILE, NIGHT_OWL, NIGHT_OWL_PROFILE, TRAVELLER, TRAVELLER_PROFILE, WITH_CARER, WITH_CARER_PROFILE } from './routines.js';
import { runScenario, type ScenarioHome } from './scenario.js';

const HOMES: ScenarioHome[] = [
  { routine: EARLY_RISER, profile: EARLY_RISER_PROFILE },
  { routine: NIGHT_OWL, profile: NIGHT_OWL_PROFILE },
  { routine: WITH_CARER, profile: WITH_CARER_PROFILE },
  { routine: TRAVELLER, profile: TRAVELLER_PROFILE },
];

describe('normal weeks raise nothing', () => {
  for (const seed of [1, 2, 3]) {
    it(`four routines, four weeks, seed ${seed}`, () => {
      const alerts = runScenario({ homes: HOMES, days: 28, seed });
      expect(brief(alerts)).toEqual([]);
    });
  }
});
