import { describe, expect, it } from 'vitest';
import { fromWireTime } from '../../../shared/contract/index.js';
import { localClock, scoreEstate } from '../../../edge/simulator/households/care-score.js';
import { planEstate } from '../../../edge/simulator/households/estate-plan.js';
import { runEstate } from '../../../edge/simulator/households/run-estate.js';
import { simulateEstate } from '../../../edge/simulator/households/simulated-estate.js';
import { runCli } from '../../support/cli.js';

/**
 * estatecare backtest --simulated-estate: the command runs the rules over the estate the seed draws
 * and prints every alert change with its words and the care manager's score. What it prints is held
 * against the same estate run here in the test process: every alert's words, every incident's
 * verdict, the false visits per 100 resident-weeks. A small estate (4 households, 3 weeks: every
 * household has a staged fall) keeps the two runs to seconds.
 */
const SEED = '3';
const ESTATE = { seed: Number(SEED), households: 4, weeks: 3 };
const ARGS = ['backtest', '--simulated-estate', SEED, '--households', String(ESTATE.households), '--weeks', String(ESTATE.weeks)];
/** Two runs of the command (each simulates the estate) on a busy 2-core machine. */
const TIMEOUT_MS = 120_000;

describe('estatecare backtest --simulated-estate', () => {
  it(
    'prints each alert change with its words, what was not counted as activity included, in English and in Chinese, then the score of every incident and the false visits',
    async () => {
      const english = runCli(ARGS);
      const chinese = runCli([...ARGS, '--lang', 'zh']);
      const estate = simulateEstate(planEstate(ESTATE));
      const { alerts } = runEstate(estate);
      const score = scoreEstate(estate, alerts);
      const offset = estate.cal.utcOffsetMin;

      expect(await english.exited, english.stderr()).toBe(0);
      const out = english.stdout();
      expect(out).toContain(`backtest of the simulated estate, seed ${SEED}: 4 households for 3 weeks`);
      expect(alerts.length).toBeGreaterThan(0);
      for (const alert of alerts) {
        const line = `${localClock(fromWireTime(alert.event_time), offset)}  ${alert.state.padEnd(7)}  ${alert.category.padEnd(16)}`;
        expect(out).toContain(line);
        expect(out).toContain(alert.reason.en);
      }
      // The estate of this seed has a heater's cycles inside a fall's quiet: the alert says they were set aside.
      const discounting = alerts.filter((alert) => alert.category === 'care_visit' && alert.reason.en.includes('Not counted as activity:'));
      expect(discounting.length).toBeGreaterThan(0);
      expect(score.incidents.length).toBeGreaterThan(0);
      for (const incident of score.incidents) expect(out).toMatch(new RegExp(`^ {2}${incident.verdict} +${incident.unitId} {2}${incident.kind}: `, 'm'));
      const knowable = score.falseVisits.filter((visit) => visit.cause !== 'unknowable_absence').length;
      expect(out).toContain(`false care visits per 100 resident-weeks: ${((100 * knowable) / score.residentWeeks).toFixed(2)} at home`);

      expect(await chinese.exited, chinese.stderr()).toBe(0);
      for (const alert of discounting) expect(chinese.stdout()).toContain(alert.reason.zh);
      expect(chinese.stdout()).toContain('未计为活动');
    },
    TIMEOUT_MS,
  );

  it('refuses a seed, size or language it cannot use, and the options of a recording, naming the option', async () => {
    const cases: Array<{ args: string[]; says: string }> = [
      { args: ['backtest', '--simulated-estate', 'seven'], says: '--simulated-estate must be a whole number' },
      { args: ['backtest', '--simulated-estate', '1', '--weeks', '0'], says: '--weeks must be a whole number from 1 to 52' },
      { args: ['backtest', '--simulated-estate', '1', '--households', '2.5'], says: '--households must be a whole number' },
      { args: ['backtest', '--simulated-estate', '1', '--lang', 'fr'], says: '--lang must be en or zh' },
      { args: ['backtest', '--simulated-estate', '1', '--config', 'gateway.yaml'], says: '--config does not go with --simulated-estate' },
      { args: ['backtest', '--config', 'gateway.yaml', '--weeks', '2'], says: '--weeks goes with --simulated-estate' },
    ];
    const runs = cases.map((item) => ({ ...item, run: runCli(item.args) }));
    for (const { args, says, run } of runs) {
      expect(await run.exited, args.join(' ')).toBe(2);
      expect(run.stderr(), args.join(' ')).toContain(says);
    }
  });
});
