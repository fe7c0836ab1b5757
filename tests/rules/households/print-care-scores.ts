/**
 * npx tsx tests/rules/households/print-care-scores.ts [seed ...]
 *
 * Runs the gateway's rules over the simulated estate (edge/simulator/households/: 16 households,
 * 12 weeks) for each seed and prints the care manager's score table (caught, late, missed; false
 * care visits per 100 resident-weeks), then every incident not caught in its window, every false
 * visit with its reason, and every wrong clear.
 */
import { scoreEstate, scoreTable, type CareScore } from '../../../edge/simulator/households/care-score.js';
import { planEstate } from '../../../edge/simulator/households/estate-plan.js';
import { runEstate } from '../../../edge/simulator/households/run-estate.js';
import { simulateEstate } from '../../../edge/simulator/households/simulated-estate.js';

const seeds = process.argv.slice(2).map(Number);
const scores: CareScore[] = [];
for (const seed of seeds.length > 0 ? seeds : [1, 2, 3, 4]) {
  const started = Date.now();
  const estate = simulateEstate(planEstate({ seed }));
  const run = runEstate(estate);
  const score = scoreEstate(estate, run.alerts);
  scores.push(score);
  const local = (ms: number) => new Date(ms + estate.cal.utcOffsetMin * 60_000).toISOString().slice(5, 16).replace('T', ' ');
  process.stderr.write(`seed ${seed}: ${run.inputs} inputs, ${run.alerts.length} alert changes, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  for (const incident of score.incidents) {
    if (incident.verdict === 'caught' || incident.verdict === 'nothing_lost') continue;
    process.stdout.write(`  seed ${seed} ${incident.verdict.toUpperCase()} ${incident.unitId} ${incident.detail}; alert ${incident.alertAt === undefined ? 'none' : local(incident.alertAt)}, window to ${local(incident.deadline)}\n`);
  }
  for (const visit of score.falseVisits) {
    const cleared = visit.clearedAt === undefined ? 'never cleared' : `cleared ${Math.round((visit.clearedAt - visit.at) / 60_000)} min later`;
    process.stdout.write(`  seed ${seed} FALSE (${visit.cause}, ${visit.severity}, ${cleared}) ${local(visit.at)} ${visit.reason}\n`);
  }
  for (const device of score.falseDeviceAlerts) process.stdout.write(`  seed ${seed} FALSE DEVICE ALERT ${local(device.at)} ${device.reason}\n`);
  for (const clear of score.wrongClears) process.stdout.write(`  seed ${seed} WRONG CLEAR ${clear.unitId} ${local(clear.at)} ${clear.why}\n`);
}
process.stdout.write(`${scoreTable(scores)}\n`);
