import type { CareHousehold, CareRulesConfig } from '../../../shared/contract/rules-config-care.js';
import { memoByObject } from '../engine/object-memo.js';

/**
 * Lookup of enrolled households by unit id and by gate card reference, built once per config
 * object (a rule sees every reading frame of the estate: 200,000 a second must not scan a list).
 */
export interface EnrolledHouseholds {
  byUnit: ReadonlyMap<string, CareHousehold>;
  byCredential: ReadonlyMap<string, readonly string[]>;
}

export const enrolledHouseholds = memoByObject((config: CareRulesConfig): EnrolledHouseholds => {
  const byUnit = new Map<string, CareHousehold>();
  const byCredential = new Map<string, string[]>();
  for (const household of config.households) {
    byUnit.set(household.unit_id, household);
    for (const ref of household.credential_refs) byCredential.set(ref, [...(byCredential.get(ref) ?? []), household.unit_id]);
  }
  return { byUnit, byCredential };
});
