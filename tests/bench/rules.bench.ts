import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RulesConfigSchema, toWireTime, type ReadingItem, type Unit } from '../../shared/contract/index.js';
import type { RulesConfig } from '../../shared/contract/rules-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import type { ReadingFrame } from '../../edge/model/device-data.js';
import { createDefaultRules } from '../../edge/rules/default-rules.js';
import type { EngineInput } from '../../edge/rules/engine/engine-input.js';
import { ENGINE_TICK_MS, RULE_STATE_COMMIT_MS } from '../../edge/pipeline/device-pipeline.js';
import { RuleEngine } from '../../edge/rules/rule-engine.js';
import type { DeviceInfo } from '../../edge/rules/rule.js';
import { MemoryRuleStateData, MemoryRuleStateStore } from '../../edge/rules/state/memory-rule-state-store.js';
import type { ApplianceModel } from '../../edge/rules/activity/appliance-model.js';
import { appliancesKey } from '../../edge/rules/care/care-state.js';
import { HOUSEHOLD_CARE_RULE_ID } from '../../edge/rules/care/household-care-rule.js';
import type { RuleStateStore } from '../../edge/rules/state/rule-state-store.js';
import { SqliteRuleStateStore } from '../../edge/rules/state/sqlite-rule-state-store.js';
import { median, type BenchRow } from './bench-table.js';

const HOUSEHOLDS = 1000;
const LIFTS = 10;
/** Estate time covered by one pass: 40 rounds of 30 s (20 minutes). */
const ROUNDS = 40;
const ROUND_MS = 30_000;
const LIFT_FRAME_MS = 5_000;
/**
 * Frames per engine batch: one commit (one SQLite transaction) each. The gateway commits at most
 * once a second (edge/pipeline/device-pipeline.ts RULE_STATE_COMMIT_MS), some 46,000 frames at the
 * target rate; this commits every 5,000, nine times as often. A third row commits as the gateway
 * does: the inputs of each RULE_STATE_COMMIT_MS of the run in one transaction.
 */
const BATCH = 5000;
const REPEATS = 3;
const TARGET_READINGS_PER_S = 200_000;
/** 2026-11-24T00:00:00Z = 08:00 in the estates' time zone: a morning with people about. */
const START = Date.parse('2026-11-24T00:00:00.000Z');

/**
 * Rule evaluation of reading frames through the engine, whatever rules createDefaultRules holds, for
 * an estate of 1,000 households enrolled in care (each with an electricity meter polled every 30 s
 * and a water meter every 60 s) and 10 lifts reporting every 5 s, with the gateway's tick between
 * them (one every ENGINE_TICK_MS of estate time, as the device pipeline feeds the engine its clock), so
 * timers come due and fire inside the measurement: on the in-memory store and on SQLite (WAL,
 * synchronous=FULL) with one commit per batch of 5,000 inputs. Baseline: a bare loop over the same
 * frames doing one Map lookup per reading. Interleaved in rounds, median of 3 (tests/bench/README.md).
 * Target: at least 200,000 readings/s on one core. The run fails, rather than measure
 * less than it says, when the care config is refused, when no timer fired, or when the households'
 * appliance models learned no load (their switch-ons are judged against what they learned).
 */
export async function benchRules(): Promise<BenchRow[]> {
  const estate = buildEstate();
  const readings = estate.inputs.reduce((sum, input) => sum + (input.kind === 'readings' ? input.frame.readings.length : 0), 0);
  const config = enrolAll(estate.households);
  const ticks = estate.inputs.filter((input) => input.kind === 'tick').length;
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-rules-bench-'));
  const bare: number[] = [];
  const memory: EngineRun[] = [];
  let loadsLearned = 0;
  const sqlite: EngineRun[] = [];
  const sqlitePerSecond: EngineRun[] = [];
  try {
    for (let round = 0; round < REPEATS; round++) {
      bare.push(readings / bareLoop(estate.inputs));
      const data = new MemoryRuleStateData();
      memory.push(firingTimers(engineRun(estate, config, new MemoryRuleStateStore(data))));
      loadsLearned = learnedLoads(data, estate.devices);
      sqlite.push(firingTimers(engineRun(estate, config, new SqliteRuleStateStore(join(dir, `state-${round}.sqlite`)))));
      sqlitePerSecond.push(firingTimers(engineRun(estate, config, new SqliteRuleStateStore(join(dir, `state-${round}-per-second.sqlite`)), 'per-second')));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const baseline = median(bare);
  const label = `${readings.toLocaleString('en-US')} readings and ${ticks.toLocaleString('en-US')} ticks, ${HOUSEHOLDS} households enrolled`;
  const row = (store: string, runs: readonly EngineRun[], commits = `a commit every ${BATCH.toLocaleString('en-US')} inputs`): BenchRow => {
    const rate = median(runs.map((run) => readings / run.seconds));
    return {
      name: `rules, ${store} store, ${commits}, ${label}, ${runs[0]!.firedTimers.toLocaleString('en-US')} timers fired, ${loadsLearned.toLocaleString('en-US')} appliance loads learned`,
      ours: rate,
      baseline,
      unit: 'readings/s',
      ratio: rate / baseline,
      target: `>= ${TARGET_READINGS_PER_S.toLocaleString('en-US')} readings/s`,
      met: rate >= TARGET_READINGS_PER_S,
    };
  };
  return [row('memory', memory), row('SQLite', sqlite), row('SQLite', sqlitePerSecond, `a commit a second as on the gateway (${sqlitePerSecond[0]!.commits} in the first run)`)];
}

interface EngineRun {
  seconds: number;
  /** Transactions the run committed. */
  commits: number;
  /** Timers the engine handed to their rules during the run (rule-engine.ts firedTimers). */
  firedTimers: number;
}

/** The run, once it is known that timers fired in it: a run without any measured less than the bench says. */
function firingTimers(run: EngineRun): EngineRun {
  if (run.firedTimers === 0) throw new Error('rules bench: no timer fired during the run; the measurement would leave the timers out');
  return run;
}

/**
 * Loads the households' appliance models hold after a run (activity/appliance-model.ts): a run in
 * which none learned one measured less than the bench says.
 */
function learnedLoads(data: MemoryRuleStateData, devices: readonly DeviceInfo[]): number {
  const states = data.states.get(HOUSEHOLD_CARE_RULE_ID);
  let loads = 0;
  for (const device of devices) {
    if (device.kind !== 'electricity_meter') continue;
    const model = states?.get(appliancesKey(device.id)) as ApplianceModel | undefined;
    loads += model?.loads.length ?? 0;
  }
  if (loads === 0) throw new Error('rules bench: no appliance model learned a load during the run; the measurement would leave the learning out');
  return loads;
}

/**
 * A fresh engine handling every input, batch by batch, committing each: batches of BATCH inputs, or
 * ('per-second') of the inputs that come within RULE_STATE_COMMIT_MS of the batch's first, as the
 * gateway's pipeline commits (device-pipeline.ts).
 */
function engineRun(estate: Estate, config: RulesConfig, store: RuleStateStore, commitEvery: 'batch' | 'per-second' = 'batch'): EngineRun {
  const engine = new RuleEngine({ rules: createDefaultRules(), store, devices: estate.devices, config, logger: silentLogger(), autoCommit: false });
  let commits = 0;
  const started = performance.now();
  if (commitEvery === 'batch') {
    for (let from = 0; from < estate.inputs.length; from += BATCH, commits++) engine.handleBatch(estate.inputs.slice(from, from + BATCH));
  } else {
    const next = { index: 0 };
    for (; next.index < estate.inputs.length; commits++) engine.handleBatch(inputsWithinCommitTime(estate.inputs, next));
  }
  const seconds = (performance.now() - started) / 1000;
  const firedTimers = engine.firedTimers;
  engine.close();
  return { seconds, commits, firedTimers };
}

/** The inputs from `next.index` on, as long as RULE_STATE_COMMIT_MS has not passed since the first was handed out. */
function* inputsWithinCommitTime(inputs: readonly EngineInput[], next: { index: number }): Generator<EngineInput> {
  const until = performance.now() + RULE_STATE_COMMIT_MS;
  do yield inputs[next.index++]!;
  while (next.index < inputs.length && performance.now() < until);
}

/** Seconds for the bare loop: every reading of every frame, one Map lookup each. */
function bareLoop(inputs: readonly EngineInput[]): number {
  const byPoint = new Map<string, number>([['active_power', 1], ['import_energy', 2], ['current_volume', 3], ['car_status', 4]]);
  let sink = 0;
  const started = performance.now();
  for (const input of inputs) {
    if (input.kind !== 'readings') continue;
    for (const reading of input.frame.readings) sink += (byPoint.get(reading.point) ?? 0) * reading.value;
  }
  const seconds = (performance.now() - started) / 1000;
  if (sink === Number.NEGATIVE_INFINITY) process.stderr.write('unreachable\n');
  return seconds;
}

interface Estate {
  devices: DeviceInfo[];
  households: string[];
  inputs: EngineInput[];
}

/** Deterministic synthetic traffic: frames and the gateway's ticks, in event-time order. */
function buildEstate(): Estate {
  const devices: DeviceInfo[] = [];
  const households: string[] = [];
  const frames: ReadingFrame[] = [];
  let seed = 42;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let h = 0; h < HOUSEHOLDS; h++) {
    const unit = `hh-${h}`;
    households.push(unit);
    const subject = { kind: 'unit' as const, id: unit };
    const power: DeviceInfo = { id: `em-${h}`, subject, profile: 'eastron_sdm120', kind: 'electricity_meter', pollIntervalMs: ROUND_MS };
    const water: DeviceInfo = { id: `wm-${h}`, subject, profile: 'cjt188_cold_water_meter', kind: 'water_meter', pollIntervalMs: 2 * ROUND_MS };
    devices.push(power, water);
    let energy = 1000 + h;
    let volume = 100 + h / 10;
    for (let round = 0; round < ROUNDS; round++) {
      const at = START + round * ROUND_MS + (h % 30) * 1000;
      const watts = random() < 0.2 ? 1500 + 1000 * random() : 60 + 100 * random();
      energy += (watts * ROUND_MS) / 3_600_000_000;
      frames.push(frameOf(power, at, [['voltage', 'V', 220 + 5 * random()], ['current', 'A', watts / 220], ['active_power', 'W', watts], ['import_energy', 'kWh', energy]]));
      if (round % 2 === 0) {
        volume += random() < 0.3 ? 0.01 * random() : 0;
        frames.push(frameOf(water, at, [['current_volume', 'm3', volume], ['settlement_volume', 'm3', 100 + h / 10]]));
      }
    }
  }
  for (let l = 0; l < LIFTS; l++) {
    const lift: DeviceInfo = { id: `lift-${l}`, subject: { kind: 'asset', id: `lift-${l}` }, profile: 'lift_monitor_gbt24476', kind: 'lift_monitor', pollIntervalMs: undefined };
    devices.push(lift);
    for (let at = START; at < START + ROUNDS * ROUND_MS; at += LIFT_FRAME_MS) {
      const moving = random() < 0.5;
      frames.push(
        frameOf(lift, at, [
          ['car_status', 'bool', moving ? 1 : 0],
          ['car_direction', 'enum', moving ? 1 : 0],
          ['door_zone', 'bool', moving ? 0 : 1],
          ['car_position', 'floor', 1 + Math.floor(12 * random())],
          ['door_status', 'bool', moving || random() < 0.5 ? 1 : 0],
          ['passenger_status', 'bool', random() < 0.6 ? 1 : 0],
          ['service_mode', 'enum', 1],
        ]),
      );
    }
  }
  const inputs: Array<{ at: string; input: EngineInput }> = frames.map((frame) => ({ at: frame.event_time, input: { kind: 'readings', frame } }));
  for (let at = START + ENGINE_TICK_MS; at <= START + ROUNDS * ROUND_MS; at += ENGINE_TICK_MS) {
    const tickAt = toWireTime(at);
    inputs.push({ at: tickAt, input: { kind: 'tick', at: tickAt } });
  }
  // Stable: at the same instant the frames come first, then the tick, as a tick reads the clock after them.
  inputs.sort((a, b) => a.at.localeCompare(b.at) || (a.input.kind === 'tick' ? 1 : 0) - (b.input.kind === 'tick' ? 1 : 0));
  return { devices, households, inputs: inputs.map(({ input }) => input) };
}

function frameOf(device: DeviceInfo, at: number, points: Array<[string, Unit, number]>): ReadingFrame {
  const eventTime = toWireTime(at);
  const readings: ReadingItem[] = points.map(([point, unit, value]) => ({ id: `${device.id}-${at}-${point}`, device_id: device.id, point, value, unit, event_time: eventTime }));
  return { device_id: device.id, subject: device.subject, event_time: eventTime, readings };
}

/**
 * Every household enrolled in care with a recorded consent. A refused config fails the run with
 * the schema's words: without it the care rules would run for no household and the bench would
 * measure less than its name says.
 */
function enrolAll(units: readonly string[]): RulesConfig {
  const consent = { recorded_at: '2026-11-01T09:00:00+08:00', purpose: 'household inactivity alerts to the building housekeeper' };
  const parsed = RulesConfigSchema.safeParse({ care: { households: units.map((unit_id) => ({ unit_id, consent })) } });
  if (!parsed.success) {
    // One line per kind of problem: the same one is usually reported for every household.
    const problems = new Set(parsed.error.issues.map((issue) => `${issue.path.map((part) => (typeof part === 'number' ? '*' : String(part))).join('.')}: ${issue.message}`));
    throw new Error(`rules bench: the care config enrolling ${units.length} households was refused (${parsed.error.issues.length} problems): ${[...problems].join('; ')}`);
  }
  return parsed.data;
}
