import type { Subject } from '../../../shared/contract/index.js';
import type { WaterLimits, WaterRulesConfig } from '../../../shared/contract/rules-config-water.js';

const cache = new WeakMap<WaterRulesConfig, Map<string, WaterLimits>>();

/**
 * The leak limits for a subject: its own entry, else the household defaults for a unit; an asset
 * (a water main) only when listed, since a main flows in every slot by nature.
 */
export function waterLimitsFor(config: WaterRulesConfig, subject: Subject): WaterLimits | undefined {
  let bySubject = cache.get(config);
  if (!bySubject) {
    bySubject = new Map(config.subjects.map((entry) => [`${entry.kind}:${entry.id}`, entry]));
    cache.set(config, bySubject);
  }
  return bySubject.get(`${subject.kind}:${subject.id}`) ?? (subject.kind === 'unit' ? config.unit_defaults : undefined);
}
