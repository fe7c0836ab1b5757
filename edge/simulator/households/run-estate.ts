import type { AlertItem } from '../../../shared/contract/index.js';
import { RulesConfigSchema } from '../../../shared/contract/rules-config.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { MemoryRuleStateStore } from '../../rules/state/memory-rule-state-store.js';
import { createDefaultRules } from '../../rules/default-rules.js';
import { inputTime, type EngineInput } from '../../rules/engine/engine-input.js';
import type { Rule } from '../../rules/rule.js';
import { RuleEngine } from '../../rules/rule-engine.js';
import { estateEndMs, estateInputsOfDay, type SimulatedEstate } from './simulated-estate.js';
import { MS_PER_MIN } from './sim-time.js';

/** Inputs per engine batch (one commit each), as the gateway commits a batch at a time. */
const BATCH = 2000;

/**
 * Runs the gateway's rules (createDefaultRules unless told otherwise) over a simulated estate in
 * event time, day by day, with the care profiles changing when the staff change them. Returns every
 * alert change. A config the schema refuses is an error, never a silent run without care rules.
 */
export function runEstate(estate: SimulatedEstate, rules: readonly Rule[] = createDefaultRules()): { alerts: AlertItem[]; inputs: number } {
  const configs = estate.configChanges.map((change) => ({ at: estate.cal.startMs + change.minute * MS_PER_MIN, config: RulesConfigSchema.parse(change.config) }));
  const engine = new RuleEngine({ rules, store: new MemoryRuleStateStore(), devices: estate.devices, config: configs[0]!.config, logger: silentLogger(), autoCommit: false });
  const alerts: AlertItem[] = [];
  let next = 1;
  let inputs = 0;
  let batch: EngineInput[] = [];
  const flush = () => {
    if (batch.length > 0) alerts.push(...engine.handleBatch(batch));
    batch = [];
  };
  for (let day = 0; day < estate.cal.days; day++) {
    for (const input of estateInputsOfDay(estate, day)) {
      const time = inputTime(input);
      while (next < configs.length && configs[next]!.at <= time) {
        flush();
        alerts.push(...engine.advanceTo(configs[next]!.at));
        engine.setConfig(configs[next]!.config);
        next++;
      }
      batch.push(input);
      inputs++;
      if (batch.length >= BATCH) flush();
    }
  }
  flush();
  alerts.push(...engine.advanceTo(estateEndMs(estate.cal)));
  engine.close();
  return { alerts, inputs };
}
