/**
 * npx tsx tests/rules/households/trace-household.ts SEED UNIT [FROM_DAY [TO_DAY]]
 *
 * Runs the simulated estate of a seed through the default rules and prints, for one household,
 * what really happened (wake, bed, outings, falls, door passages, gate cards) next to what the care
 * rule made of it (each sighting that counted, each switch-on set aside) and every alert change,
 * in local time, for the days asked. For working out why a visit was false or an incident late.
 */
import type { HouseholdCareState } from '../../../edge/rules/care/care-state.js';
import { householdKey } from '../../../edge/rules/care/care-state.js';
import { createDefaultRules } from '../../../edge/rules/default-rules.js';
import type { Rule, RuleContext } from '../../../edge/rules/rule.js';
import { planEstate } from '../../../edge/simulator/households/estate-plan.js';
import { runEstate } from '../../../edge/simulator/households/run-estate.js';
import { simulateEstate } from '../../../edge/simulator/households/simulated-estate.js';
import { MIN_PER_DAY, MS_PER_MIN } from '../../../edge/simulator/households/sim-time.js';
import { fromWireTime } from '../../../shared/contract/index.js';

const [seedArg, unitId, fromArg, toArg] = process.argv.slice(2);
if (!seedArg || !unitId) throw new Error('usage: trace-household.ts SEED UNIT [FROM_DAY [TO_DAY]]');
const estate = simulateEstate(planEstate({ seed: Number(seedArg) }));
const household = estate.households.find((item) => item.planned.unitId === unitId);
if (!household) throw new Error(`no household ${unitId}`);
const fromDay = fromArg === undefined ? 0 : Number(fromArg);
const toDay = toArg === undefined ? fromDay + 1 : Number(toArg);
const startMs = estate.cal.startMs + fromDay * MIN_PER_DAY * MS_PER_MIN;
const endMs = estate.cal.startMs + (toDay + 1) * MIN_PER_DAY * MS_PER_MIN;
const minuteMs = (minute: number) => estate.cal.startMs + minute * MS_PER_MIN;
const local = (ms: number) => {
  const date = new Date(ms + estate.cal.utcOffsetMin * MS_PER_MIN);
  const day = Math.floor((ms - estate.cal.startMs) / (MIN_PER_DAY * MS_PER_MIN));
  return `d${day} ${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][date.getUTCDay() === 0 ? 6 : date.getUTCDay() - 1]} ${date.toISOString().slice(11, 16)}`;
};
const lines: Array<{ at: number; text: string }> = [];
const note = (at: number, text: string) => {
  if (at >= startMs && at < endMs) lines.push({ at, text });
};

const { lived, planned } = household;
note(0, '');
lived.wakes.forEach((wake, day) => note(minuteMs(wake), `TRUTH wake (bed ${local(minuteMs(lived.beds[day]!))})`));
for (const span of lived.out) note(minuteMs(span.from), `TRUTH out until ${local(minuteMs(span.to))}`);
for (const span of household.away) note(minuteMs(span.from), `TRUTH away (${span.reason}${span.registered ? ', registered' : ''}) until ${local(minuteMs(span.to))}`);
if (lived.fall) note(minuteMs(lived.fall.at), `TRUTH FALL ${lived.fall.when}${lived.fall.tap ? ` tap ${lived.fall.tap}` : ''}, found ${local(minuteMs(lived.fall.foundAt))}`);
for (const pass of lived.life.door) note(minuteMs(pass.minute), `TRUTH door ${pass.type} by ${pass.who}`);
for (const card of lived.life.gateCards) note(minuteMs(card), 'TRUTH gate card');
if (planned.schedule.decline) note(minuteMs(planned.schedule.decline.onsetDay * MIN_PER_DAY), `TRUTH illness for ${planned.schedule.decline.days} days`);

/** Active half-hours per local day, as the decline check counts them. */
const activeHalfHours = new Map<number, { count: number; away: boolean }>();
const bits = (mask: number) => mask.toString(2).replaceAll('0', '').length;
const traced = (rule: Rule): Rule => {
  const wrap = <A extends unknown[]>(handler: ((...args: A) => ReturnType<NonNullable<Rule['onTimer']>>) | undefined, label: string) =>
    handler &&
    ((...args: A) => {
      const context = args[args.length - 1] as RuleContext;
      const before = context.state<HouseholdCareState>(householdKey(unitId));
      const changes = handler(...args);
      const after = context.state<HouseholdCareState>(householdKey(unitId));
      if (after && after !== before) {
        if (after.activity.latest && after.activity.latest.at !== before?.activity.latest?.at) note(after.activity.latest.at, `seen ${after.activity.latest.signal} ${after.activity.latest.what} (${label})`);
        const known = new Set((before?.discounted ?? []).map((item) => item.at));
        for (const item of after.discounted ?? []) if (!known.has(item.at)) note(item.at, `set aside ${item.what} ${item.watts} W (${item.why})`);
        if (after.today?.up && after.today.up.at !== before?.today?.up?.at) note(after.today.up.at, `up (${after.today.up.signal})`);
        for (const day of after.days ?? []) activeHalfHours.set(day.day, { count: bits(day.lo) + bits(day.hi), away: day.away === true });
      }
      return changes;
    });
  return {
    ...rule,
    ...(rule.onEvent ? { onEvent: wrap(rule.onEvent.bind(rule), 'event') } : {}),
    ...(rule.onReadings ? { onReadings: wrap(rule.onReadings.bind(rule), 'readings') } : {}),
    ...(rule.onTimer ? { onTimer: wrap(rule.onTimer.bind(rule), 'timer') } : {}),
  };
};
const run = runEstate(estate, createDefaultRules().map((rule) => (rule.id === 'household_care' ? traced(rule) : rule)));
for (const alert of run.alerts) {
  if (alert.subject.id !== unitId && !alert.subject.id.endsWith(unitId)) continue;
  note(fromWireTime(alert.event_time), `ALERT ${alert.state} ${alert.category} ${alert.severity}: ${alert.reason.en}`);
}
for (const [day, value] of activeHalfHours) note(day * 86_400_000 - estate.cal.utcOffsetMin * MS_PER_MIN + 86_399_000, `active half-hours that day: ${value.count}${value.away ? ' (away)' : ''}`);
lines.sort((a, b) => a.at - b.at);
for (const line of lines) if (line.text) process.stdout.write(`${local(line.at)}  ${line.text}\n`);
