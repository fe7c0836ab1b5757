import type { ActiveEpisode } from '../rule.js';
import { assertJsonValue } from './json-value.js';
import type { RuleStateChanges, RuleStateSnapshot, RuleStateStore, TakenInputRow, UnsentItem } from './rule-state-store.js';

/**
 * What a memory store holds; it outlives the store objects over it, so a test can "restart" an
 * engine on the same data. It gives back what the SQLite store would: JSON values (a Date becomes a
 * string, undefined members vanish). Rule state values are kept as committed, once JSON has been
 * shown to hold them, and copied through JSON when loaded: a value once set is never changed in
 * place (a rule sets a new one; the engine's undo of a failed rule call relies on that too), so
 * nothing is gained by keeping a second copy as text of every value on every commit.
 */
export class MemoryRuleStateData {
  engineTime: number | null = null;
  /** Committed state values (JSON values) by rule, then key. */
  readonly states = new Map<string, Map<string, unknown>>();
  /** Due times by rule, then key. */
  readonly timers = new Map<string, Map<string, number>>();
  readonly episodes = new Map<string, string>();
  /** By channel and item id, in the order kept (a Map keeps insertion order). */
  readonly unsent = new Map<string, string>();
  /** By device and slot. */
  readonly takenInputs = new Map<string, TakenInputRow>();
}

/** The in-memory backend: backtests, benchmarks, tests. Nothing survives the process. */
export class MemoryRuleStateStore implements RuleStateStore {
  private closed = false;

  constructor(private readonly data: MemoryRuleStateData = new MemoryRuleStateData()) {}

  load(): RuleStateSnapshot {
    this.assertOpen();
    return {
      engineTime: this.data.engineTime,
      states: [...this.data.states].flatMap(([rule, byKey]) => [...byKey].map(([key, value]) => ({ rule, key, value: asJson(value) }))),
      timers: [...this.data.timers].flatMap(([rule, byKey]) => [...byKey].map(([key, at]) => ({ rule, key, at }))),
      episodes: [...this.data.episodes.values()].map((json) => JSON.parse(json) as ActiveEpisode),
      unsent: [...this.data.unsent.values()].map((json) => JSON.parse(json) as UnsentItem),
      takenInputs: [...this.data.takenInputs.values()].map((row) => ({ ...row })),
    };
  }

  commit(changes: RuleStateChanges): void {
    this.assertOpen();
    // JSON must hold every value first: one it cannot throws before anything is changed (all or nothing).
    // What a value shares with the one it replaces was shown to pass when that was committed.
    // Indexed loops: a commit names thousands of states (the rules bench: some 6,000).
    const { states } = changes;
    for (let index = 0; index < states.length; index++) {
      const change = states[index]!;
      if (change.value !== undefined) assertJsonValue(change.value, change, this.data.states.get(change.rule)?.get(change.key));
    }
    const episodes = changes.episodes.map((change) => ({ ...change, json: change.episode ? JSON.stringify(change.episode) : undefined }));
    const { data } = this;
    if (changes.engineTime !== undefined) data.engineTime = changes.engineTime;
    // A commit names the states rule by rule (the engine collects them scope by scope).
    let rule: string | undefined;
    let byKey: Map<string, unknown> | undefined;
    for (let index = 0; index < states.length; index++) {
      const { rule: ruleOf, key, value } = states[index]!;
      if (ruleOf !== rule) {
        rule = ruleOf;
        byKey = data.states.get(rule);
      }
      if (value === undefined) byKey?.delete(key);
      else {
        byKey ??= byRule(data.states, rule);
        byKey.set(key, value);
      }
    }
    for (const { rule, key, at } of changes.timers) {
      if (at === undefined) data.timers.get(rule)?.delete(key);
      else byRule(data.timers, rule).set(key, at);
    }
    for (const { rule, subject, json } of episodes) {
      const id = `${rule}\u001f${subject.kind}\u001f${subject.id}`;
      if (json === undefined) data.episodes.delete(id);
      else data.episodes.set(id, json);
    }
    for (const { channel, id, item } of changes.unsent ?? []) {
      const key = `${channel}\u001f${id}`;
      if (item) data.unsent.set(key, JSON.stringify(item));
      else data.unsent.delete(key);
    }
    for (const row of changes.takenInputs ?? []) data.takenInputs.set(`${row.device}\u001f${row.slot}`, { ...row });
  }

  close(): void {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('rule state store is closed');
  }
}

function byRule<T>(map: Map<string, Map<string, T>>, rule: string): Map<string, T> {
  let byKey = map.get(rule);
  if (!byKey) map.set(rule, (byKey = new Map()));
  return byKey;
}

/** A state value as JSON gives it back (what the SQLite store's load gives). */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
