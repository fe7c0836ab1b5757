/**
 * npx tsx tests/rules/households/print-care-scores.ts [seed ...]   (seeds 1-6 when none is given)
 *
 * Runs the gateway's rules over the simulated estate (edge/simulator/households/: 16 households,
 * 12 weeks) for each seed and prints the care manager's score table (caught, late, missed; false
 * care visits per 100 resident-weeks), then every incident not caught in its window, every false
 * visit with its reason, and every wrong clear.
 */
import { scoreEstate, scoreLines, scoreTable, type CareScore } from '../../../edge/simulator/households/care-score.js';
import { planEstate } from '../../../edge/simulator/households/estate-plan.js';
import { runEstate } from '../../../edge/simulator/households/run-estate.js';
import { simulateEstate } from '../../../edge/simulator/households/simulated-estate.js';

const seeds = process.argv.slice(2).map(Number);
const scores: CareScore[] = [];
for (const seed of seeds.length > 0 ? seeds : [1, 2, 3, 4, 5, 6]) {
  const started = Date.now();
  const estate = simulateEstate(planEstate({ seed }));
  const run = runEstate(estate);
  const score = scoreEstate(estate, run.alerts);
  scores.push(score);
  process.stderr.write(`seed ${seed}: ${run.inputs} inputs, ${run.alerts.length} alert changes, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  for (const line of scoreLines(score, estate.cal.utcOffsetMin)) if (!/^(caught|nothing_lost) /.test(line)) process.stdout.write(`  seed ${seed} ${line}\n`);
}
process.stdout.write(`${scoreTable(scores)}\n`);
