import type { HouseholdCareState } from '../rules/care/care-state.js';
import { HOUSEHOLD_CARE_RULE_ID } from '../rules/care/household-care-rule.js';
import type { RuleStateChanges, RuleStateSnapshot, RuleStateStore } from '../rules/state/rule-state-store.js';

/** The household care rule's key prefix for a household's state (care-state.ts householdKey). */
const HOUSEHOLD_PREFIX = 'household:';

/**
 * The rule state store of the gateway, passed through unchanged, that also remembers the household
 * care rule's latest committed state of each household: what the rule has learned of her mornings
 * and quiet lengths, read for the routine summary (routine-summary.ts) without touching the rules.
 * Only what was committed is seen, and a household the rule forgot (consent withdrawn) is forgotten
 * here in the same commit.
 */
export class CareStateTap implements RuleStateStore {
  private readonly households = new Map<string, HouseholdCareState>();

  constructor(private readonly inner: RuleStateStore) {}

  load(): RuleStateSnapshot {
    const snapshot = this.inner.load();
    this.households.clear();
    for (const { rule, key, value } of snapshot.states) this.note(rule, key, value);
    return snapshot;
  }

  commit(changes: RuleStateChanges): void {
    this.inner.commit(changes);
    for (const { rule, key, value } of changes.states) this.note(rule, key, value);
  }

  close(): void {
    this.inner.close();
  }

  /** The household care rule's committed state of a household, or undefined while it watches none. */
  householdState(unitId: string): HouseholdCareState | undefined {
    return this.households.get(unitId);
  }

  private note(rule: string, key: string, value: unknown): void {
    if (rule !== HOUSEHOLD_CARE_RULE_ID || !key.startsWith(HOUSEHOLD_PREFIX)) return;
    const unitId = key.slice(HOUSEHOLD_PREFIX.length);
    if (value === undefined) this.households.delete(unitId);
    else this.households.set(unitId, value as HouseholdCareState);
  }
}
