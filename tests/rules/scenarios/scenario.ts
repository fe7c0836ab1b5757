import type { AlertItem } from '../../../shared/contract/index.js';
import { inputTime, type EngineInput } from '../../../edge/rules/engine/engine-input.js';
import { createHouseholdCareRule } from '../../../edge/rules/care/household-care-rule.js';
import { createWaterLeakRule } from '../../../edge/rules/water/water-leak-rule.js';
import { seededRandom } from '../../../edge/simulator/random.js';
import { at, Bench, DAY, enrolled, home, rulesConfig } from '../care/harness.js';
import type { Act } from './acts.js';
import { planDay, type Routine } from './daily-plan.js';
import { homeInputs } from './synthetic-home.js';

/**
 * A seeded synthetic run of several homes over days, with incidents, through the real engine in
 * event time: the same scenario and seed give the same inputs and the same alerts.
 */
export interface ScenarioHome {
  routine: Routine;
  /** Care profile fields beyond unit_id and consent (rules-config-care.ts). */
  profile?: Record<string, unknown>;
  water?: boolean;
  power?: boolean;
}

export interface Scenario {
  homes: ScenarioHome[];
  days: number;
  seed: number;
  /** The resident does nothing in [from, to): a fall, a stay away. Planned acts starting inside are dropped. */
  quiet?: Array<{ unitId: string; from: number; to?: number }>;
  /** Acts on top of the routine: the housekeeper at the door, a tap left open. */
  extra?: Array<{ unitId: string; acts: Act[] }>;
  meterDown?: Array<{ deviceId: string; from: number; to?: number }>;
  /** Care profiles changed at a time (the cloud pushes a new config). */
  profilesAt?: Array<{ at: number; profiles: Record<string, Record<string, unknown>> }>;
  /** The gateway stops at `at` and runs again from `until`; inputs in between never reach it. */
  restart?: { at: number; until: number; powerCut: boolean; sqlitePath?: string };
  water?: Record<string, unknown>;
}

/** Monday 2 March 2026, 00:00 local (UTC+8). */
export const RUN_START = at('2026-03-02 00:00');

export function dayAt(day: number, clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return RUN_START + day * DAY + ((hours ?? 0) * 60 + (minutes ?? 0)) * 60_000;
}

const INPUT_ORDER: Record<EngineInput['kind'], number> = { availability: 0, event: 1, readings: 2, tick: 3 };

export function scenarioInputs(scenario: Scenario): EngineInput[] {
  const end = RUN_START + scenario.days * DAY;
  const inputs: EngineInput[] = [];
  scenario.homes.forEach((scenarioHome, index) => {
    const { routine } = scenarioHome;
    const random = seededRandom(scenario.seed * 1000 + index);
    const quiet = (scenario.quiet ?? []).filter((window) => window.unitId === routine.unitId);
    const planned: Act[] = [];
    for (let day = 0; day < scenario.days; day++) planned.push(...planDay(routine, RUN_START + day * DAY, random));
    const acts = planned.filter((act) => !quiet.some((window) => act.at >= window.from && act.at < (window.to ?? Number.POSITIVE_INFINITY)));
    for (const extra of scenario.extra ?? []) if (extra.unitId === routine.unitId) acts.push(...extra.acts);
    const devices = home(routine.unitId);
    inputs.push(
      ...homeInputs({ ...devices, hasWater: scenarioHome.water !== false, hasPower: scenarioHome.power !== false }, acts, RUN_START, end, {
        random,
        meterDown: (scenario.meterDown ?? []).filter((outage) => outage.deviceId === devices.water.id || outage.deviceId === devices.power.id),
      }),
    );
  });
  return inputs
    .map((input, order) => ({ input, order, time: inputTime(input) }))
    .sort((a, b) => a.time - b.time || INPUT_ORDER[a.input.kind] - INPUT_ORDER[b.input.kind] || a.order - b.order)
    .map((item) => item.input);
}

export function scenarioConfig(scenario: Scenario, profiles: Record<string, Record<string, unknown>> = {}) {
  return rulesConfig({
    care: { households: scenario.homes.map((item) => enrolled(item.routine.unitId, { ...item.profile, ...profiles[item.routine.unitId] })) },
    ...(scenario.water ? { water: scenario.water } : {}),
  });
}

export function runScenario(scenario: Scenario): AlertItem[] {
  const devices = scenario.homes.flatMap((item) => home(item.routine.unitId, { water: item.water !== false, power: item.power !== false }).devices);
  const bench = new Bench({
    rules: [createHouseholdCareRule(), createWaterLeakRule()],
    devices,
    config: scenarioConfig(scenario),
    ...(scenario.restart?.sqlitePath ? { sqlitePath: scenario.restart.sqlitePath } : {}),
  });
  const profileChanges = [...(scenario.profilesAt ?? [])].sort((a, b) => a.at - b.at);
  let profiles: Record<string, Record<string, unknown>> = {};
  let restarted = false;
  for (const input of scenarioInputs(scenario)) {
    const time = inputTime(input);
    while (profileChanges.length > 0 && profileChanges[0]!.at <= time) {
      const change = profileChanges.shift()!;
      bench.advanceTo(change.at);
      profiles = { ...profiles, ...change.profiles };
      bench.setConfig(scenarioConfig(scenario, profiles));
    }
    const restart = scenario.restart;
    if (restart && !restarted && time >= restart.at) {
      if (time < restart.until) continue;
      bench.restart({ powerCut: restart.powerCut });
      restarted = true;
    }
    bench.feed(input);
  }
  bench.advanceTo(RUN_START + scenario.days * DAY);
  bench.close();
  return bench.alerts;
}
