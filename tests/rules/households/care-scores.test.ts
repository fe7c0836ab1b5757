import { describe, expect, it } from 'vitest';
import { scoreEstate, scoreTable, type CareScore, type IncidentOutcome } from '../../../edge/simulator/households/care-score.js';
import { DEFAULT_HOUSEHOLDS, DEFAULT_WEEKS, planEstate } from '../../../edge/simulator/households/estate-plan.js';
import { runEstate } from '../../../edge/simulator/households/run-estate.js';
import { simulateEstate } from '../../../edge/simulator/households/simulated-estate.js';

/**
 * The care rules over the realistic estate (edge/simulator/households/: 16 elderly households, 12
 * weeks, minute by minute: appliances, the meters' real resolution and polls, weekly habits,
 * outages, absences and carers, staged falls, illnesses and dead devices), scored as a care manager
 * would (care-score.ts). Targets, for every seed:
 * - every fall and every dead device caught in its window (a fall a carer or visitor found first,
 *   a device mended first, or a dead door controller nobody passed, leaves nothing to catch);
 * - fewer than one false care visit per 100 resident-weeks, over the seeds' resident-weeks together,
 *   while the resident was at home or away where the system could know it (absences nobody could
 *   know of are scored apart); at 192 resident-weeks a seed, one more visit moves a seed's own
 *   figure by 0.52, so the target is held over the seeds together and each seed's is shown;
 * - no care alert cleared by an appliance, nor while she lay fallen or was away;
 * - an estate-wide power cut raises one device alert (the bus), not one per meter.
 * An illness (a decline over days, caught by a gentler "check on" within 36 h) is scored and shown in
 * the table, not asserted: it is an aim beyond the targets, and not every simulated
 * illness of a frugal resident shows within 36 h.
 * `npx tsx tests/rules/households/print-care-scores.ts SEED...` prints the same scores with the
 * cause of every false visit (seeds 1-6 when none is given), and `estatecare backtest
 * --simulated-estate SEED` every alert of a seed with its words and its score: two seeds are what
 * this test's minute or so on a busy 2-core machine holds.
 */
const SEEDS = [1, 2];
/** A seed's simulation and rules run take some 20-40 s on a busy 2-core box. */
const SEED_TIMEOUT_MS = 180_000;
const FALSE_VISITS_PER_100_RESIDENT_WEEKS = 1;

describe(`the care rules over ${DEFAULT_HOUSEHOLDS} simulated households for ${DEFAULT_WEEKS} weeks`, () => {
  const scores: CareScore[] = [];
  for (const seed of SEEDS) {
    it(
      `seed ${seed}: every fall and dead device caught in its window, no wrong clear, one device alert for the power cut`,
      () => {
        const estate = simulateEstate(planEstate({ seed }));
        expect(estate.households).toHaveLength(DEFAULT_HOUSEHOLDS);
        expect(estate.cal.days).toBe(DEFAULT_WEEKS * 7);
        const score = scoreEstate(estate, runEstate(estate).alerts);
        scores.push(score);
        const table = `\n${scoreTable([score])}\n${explain(score)}`;

        const falls = score.incidents.filter((incident) => incident.kind === 'fall');
        expect(falls.length, table).toBeGreaterThanOrEqual(8);
        expect(unmet(falls), table).toEqual([]);
        expect(unmet(score.incidents.filter((incident) => incident.kind === 'dead_device')), table).toEqual([]);
        expect(score.wrongClears, table).toEqual([]);
        expect(score.powerCutDeviceAlerts, table).toEqual([1]);
      },
      SEED_TIMEOUT_MS,
    );
  }

  it(`under ${FALSE_VISITS_PER_100_RESIDENT_WEEKS} false care visit per 100 resident-weeks over the seeds together`, () => {
    expect(scores.map((score) => score.seed)).toEqual(SEEDS);
    const table = `\n${scoreTable(scores)}\n${scores.map(explain).join('\n')}`;
    const visits = scores.reduce((sum, score) => sum + knowableFalseVisits(score), 0);
    const residentWeeks = scores.reduce((sum, score) => sum + score.residentWeeks, 0);
    expect((100 * visits) / residentWeeks, table).toBeLessThan(FALSE_VISITS_PER_100_RESIDENT_WEEKS);
  });
});

/** Incidents not caught in their window, where something could have been. */
function unmet(incidents: readonly IncidentOutcome[]): string[] {
  return incidents.filter((incident) => incident.verdict === 'late' || incident.verdict === 'missed').map((incident) => `${incident.verdict} ${incident.unitId} ${incident.detail}`);
}

function knowableFalseVisits(score: CareScore): number {
  return score.falseVisits.filter((visit) => visit.cause !== 'unknowable_absence').length;
}

function explain(score: CareScore): string {
  return score.falseVisits.map((visit) => `seed ${score.seed} false visit (${visit.cause}): ${visit.reason}`).join('\n');
}
