import type { AlertItem, Subject } from '../../shared/contract/index.js';
import type { ActiveEpisode } from '../rules/rule.js';

/**
 * Where the rule engine keeps what must survive a restart or a power cut (issue 4: "a restart or
 * power cut neither loses a running timer nor fires an alert twice"): each rule's state, its
 * running timers, the open alert episodes and the engine time. Every backend passes the one
 * contract suite in tests/rules/engine/rule-state-store.contract.ts (conventions.md 5).
 *
 * Synchronous on purpose: the engine runs inside the DeviceSink calls of the drivers, and
 * better-sqlite3 is synchronous; a commit is one short transaction.
 */
export interface RuleStateStore {
  /** Everything committed so far (an empty snapshot for a new store). */
  load(): RuleStateSnapshot;
  /** Applies one batch of changes atomically: after a crash either all of it is there or none. */
  commit(changes: RuleStateChanges): void;
  /** Releases the store; idempotent. Committed data stays for the next open. */
  close(): void;
}

export interface StoredState {
  rule: string;
  key: string;
  /** A JSON value; stores keep it as JSON, so what comes back is what JSON.parse gives. */
  value: unknown;
}

export interface StoredTimer {
  rule: string;
  key: string;
  /** Due time, epoch ms (event time). */
  at: number;
}

export interface RuleStateSnapshot {
  /** The latest event time the engine had handled, or null for a new store. */
  engineTime: number | null;
  states: StoredState[];
  timers: StoredTimer[];
  episodes: ActiveEpisode[];
  /**
   * Alerts raised and not yet known to be in the outbox, in the order they were raised. They are
   * committed with the state change that raised them, so no commit can keep a change whose alert
   * a power cut then loses (rule-engine.ts, "Unsent alerts").
   */
  unsentAlerts: AlertItem[];
}

/** One batch of changes. A missing value, at, episode or alert deletes the entry. */
export interface RuleStateChanges {
  engineTime?: number;
  states: Array<{ rule: string; key: string; value?: unknown }>;
  timers: Array<{ rule: string; key: string; at?: number }>;
  episodes: Array<{ rule: string; subject: Subject; episode?: ActiveEpisode }>;
  /** By alert id: kept until the outbox has it. Absent in stores' callers that keep none. */
  unsentAlerts?: Array<{ id: string; alert?: AlertItem }>;
}

export function isEmptyChanges(changes: RuleStateChanges): boolean {
  return (
    changes.engineTime === undefined &&
    changes.states.length === 0 &&
    changes.timers.length === 0 &&
    changes.episodes.length === 0 &&
    (changes.unsentAlerts?.length ?? 0) === 0
  );
}
