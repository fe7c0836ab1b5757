import type { Subject } from '../../../shared/contract/index.js';
import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import type { AlertChange, RuleContext } from '../rule.js';
import type { HouseholdCareState } from './care-state.js';

/**
 * One input's work on one household: its config, its state, and the alert changes it makes. Its own
 * file, so the checks that take one (care-alert.ts, decline-check.ts, door-watch.ts, ...) need not
 * import care-call.ts, which runs them.
 */
export interface CareCall {
  readonly context: RuleContext;
  readonly unit: Subject;
  readonly household: CareHousehold;
  state: HouseholdCareState;
  /** The household state changed and must be saved. */
  dirty: boolean;
  readonly changes: AlertChange[];
}
