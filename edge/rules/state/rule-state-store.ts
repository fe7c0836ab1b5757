import type { AlertItem, EventItem, Subject } from '../../../shared/contract/index.js';
import type { ActiveEpisode } from '../rule.js';

/**
 * Where the rule engine keeps what must survive a restart or a power cut (a restart or a power
 * cut neither loses a running timer nor fires an alert twice): each rule's state, its
 * running timers, the open alert episodes and the engine time, the items on their way to the
 * outbox, and the ids of the inputs taken in (so one delivered again changes nothing twice).
 * Every backend passes the one contract suite in tests/contract/rule-state-store.contract.ts.
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
   * Alerts and events not yet known to be in the outbox, in the order they were kept. They are
   * committed with the state change they came with, so no commit can keep a change whose alert or
   * event a power cut then loses (rule-engine.ts, "Unsent items").
   */
  unsent: UnsentItem[];
  /** Ids of inputs taken in, in ring slots per device (engine/input-memory.ts). */
  takenInputs: TakenInputRow[];
}

/** An item for the outbox, kept in the state until the outbox has it. */
export type UnsentItem = { channel: 'alerts'; item: AlertItem } | { channel: 'events'; item: EventItem };

/** One slot of a device's ring of input ids: seq counts the device's inputs, slot = seq mod ring size. */
export interface TakenInputRow {
  device: string;
  slot: number;
  seq: number;
  id: string;
}

/** One batch of changes. A missing value, at, episode or item deletes the entry. */
export interface RuleStateChanges {
  engineTime?: number;
  states: Array<{ rule: string; key: string; value?: unknown }>;
  timers: Array<{ rule: string; key: string; at?: number }>;
  episodes: Array<{ rule: string; subject: Subject; episode?: ActiveEpisode }>;
  /** By channel and item id: kept until the outbox has it. Absent in callers that keep none. */
  unsent?: Array<{ channel: UnsentItem['channel']; id: string; item?: UnsentItem }>;
  /** Ring slots written: the slot's previous id is replaced. */
  takenInputs?: TakenInputRow[];
}

export function isEmptyChanges(changes: RuleStateChanges): boolean {
  return (
    changes.engineTime === undefined &&
    changes.states.length === 0 &&
    changes.timers.length === 0 &&
    changes.episodes.length === 0 &&
    (changes.unsent?.length ?? 0) === 0 &&
    (changes.takenInputs?.length ?? 0) === 0
  );
}
