import type { Subject } from '../../../shared/contract/index.js';
import type { WaterLimits, WaterRulesConfig } from '../../../shared/contract/rules-config-water.js';
import { memoByObject } from '../engine/object-memo.js';

/** Each config's listed subjects, by kind and then id: asked for every water frame, with no key to build. */
const listedSubjects = memoByObject((config: WaterRulesConfig) => {
  const byKind = new Map<string, Map<string, WaterLimits>>();
  for (const entry of config.subjects) {
    let ofKind = byKind.get(entry.kind);
    if (!ofKind) byKind.set(entry.kind, (ofKind = new Map()));
    ofKind.set(entry.id, entry);
  }
  return byKind;
});

/**
 * The leak limits for a subject: its own entry, else the household defaults for a unit; an asset
 * (a water main) only when listed, since a main flows in every slot by nature.
 */
export function waterLimitsFor(config: WaterRulesConfig, subject: Subject): WaterLimits | undefined {
  return listedSubjects(config).get(subject.kind)?.get(subject.id) ?? (subject.kind === 'unit' ? config.unit_defaults : undefined);
}
