import { toWireTime, type AlertItem } from '../../../shared/contract/index.js';
import type { RulesConfig } from '../../../shared/contract/rules-config.js';
import type { Logger } from '../../../shared/log/logger.js';
import { MemoryRuleStateStore } from '../state/memory-rule-state-store.js';
import type { ActiveEpisode, DeviceInfo, Rule } from '../rule.js';
import { RuleEngine } from '../rule-engine.js';
import { inputTime, type EngineInput } from './engine-input.js';
import type { RecordedLine } from './recording-reader.js';

export interface BacktestOptions {
  rules: readonly Rule[];
  devices: readonly DeviceInfo[];
  config: RulesConfig;
  logger: Logger;
  /** Each alert change, as it happens in the replay. */
  onAlert: (alert: AlertItem) => void;
  /** Each line that could not be used. */
  onSkipped: (where: string, problem: string) => void;
  /**
   * The end of the replay, epoch ms: time passes to here after the last input, so a timer due after
   * the last recorded input (a care check at 10:30 when the recording stops at 09:00) still fires.
   */
  until?: number;
}

export interface BacktestSummary {
  inputs: Record<EngineInput['kind'], number>;
  skipped: number;
  /** Event times of the first and last input, epoch ms (null without inputs). */
  from: number | null;
  to: number | null;
  alerts: Record<AlertItem['state'], number>;
  /** Changes per ticket category (what a user asks for), and per rule within it. */
  byCategory: Partial<Record<AlertItem['category'], Record<AlertItem['state'], number>>>;
  byRule: Record<string, Record<AlertItem['state'], number>>;
  openAtEnd: ActiveEpisode[];
}

/** Inputs per engine batch: one memory commit each. */
const BATCH = 1000;

/**
 * Replays recorded inputs, in order, through a fresh engine on an in-memory store: what these rules
 * with this config would have raised, and when. Event-time semantics make it the same as live: a
 * timer fires at its due time, before the first later input.
 */
export async function backtest(lines: AsyncIterable<RecordedLine>, options: BacktestOptions): Promise<BacktestSummary> {
  const engine = new RuleEngine({ rules: options.rules, store: new MemoryRuleStateStore(), devices: options.devices, config: options.config, logger: options.logger, autoCommit: false });
  const summary: BacktestSummary = {
    inputs: { event: 0, readings: 0, availability: 0, tick: 0 },
    skipped: 0,
    from: null,
    to: null,
    alerts: { raised: 0, updated: 0, cleared: 0 },
    byCategory: {},
    byRule: {},
    openAtEnd: [],
  };
  const run = (batch: EngineInput[]): void => {
    for (const alert of engine.handleBatch(batch)) {
      summary.alerts[alert.state]++;
      (summary.byCategory[alert.category] ??= { raised: 0, updated: 0, cleared: 0 })[alert.state]++;
      (summary.byRule[alert.rule] ??= { raised: 0, updated: 0, cleared: 0 })[alert.state]++;
      options.onAlert(alert);
    }
  };
  let batch: EngineInput[] = [];
  for await (const line of lines) {
    if (!line.ok) {
      summary.skipped++;
      options.onSkipped(line.where, line.problem);
      continue;
    }
    const time = inputTime(line.input);
    summary.inputs[line.input.kind]++;
    summary.from = summary.from === null ? time : Math.min(summary.from, time);
    summary.to = summary.to === null ? time : Math.max(summary.to, time);
    batch.push(line.input);
    if (batch.length >= BATCH) {
      run(batch);
      batch = [];
    }
  }
  if (options.until !== undefined && (summary.to === null || options.until > summary.to)) {
    batch.push({ kind: 'tick', at: toWireTime(options.until) });
    summary.to = options.until;
  }
  run(batch);
  summary.openAtEnd = engine.activeEpisodes();
  engine.close();
  return summary;
}
