import type { LiftRuleParams, LiftRulesConfig } from '../../../shared/contract/rules-config-lift.js';
import type { RulesConfig } from '../../../shared/contract/rules-config.js';
import { memoByObject } from '../engine/object-memo.js';

const merged = memoByObject((_lifts: LiftRulesConfig) => new Map<string, LiftRuleParams>());

/**
 * The parameters of one lift: its per_lift overrides over the defaults, section by section. Cached
 * per config object, so a status frame costs a map lookup; a new config gives new values.
 */
export function liftParams(config: RulesConfig, liftId: string): LiftRuleParams {
  const lifts = config.lifts;
  const byLift = merged(lifts);
  let params = byLift.get(liftId);
  if (!params) {
    const own = lifts.per_lift[liftId] ?? {};
    const base = lifts.defaults;
    params = {
      entrapment: { ...base.entrapment, ...defined(own.entrapment) },
      faults: { ...base.faults, ...defined(own.faults) },
      door_cycling: { ...base.door_cycling, ...defined(own.door_cycling) },
      out_of_service: { ...base.out_of_service, ...defined(own.out_of_service) },
    };
    byLift.set(liftId, params);
  }
  return params;
}

/** The members that are set (an explicit undefined must not hide a default). */
function defined<T extends object>(values: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}
