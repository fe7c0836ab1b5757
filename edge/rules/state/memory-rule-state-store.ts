import type { ActiveEpisode } from '../rule.js';
import type { RuleStateChanges, RuleStateSnapshot, RuleStateStore, TakenInputRow, UnsentItem } from './rule-state-store.js';

/**
 * What a memory store holds; it outlives the store objects over it, so a test can "restart" an
 * engine on the same data. Values are kept as JSON text, exactly as the SQLite store keeps them, so
 * both give back the same thing (a Date becomes a string, undefined members vanish).
 */
export class MemoryRuleStateData {
  engineTime: number | null = null;
  /** JSON text by rule, then key. */
  readonly states = new Map<string, Map<string, string>>();
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
      states: [...this.data.states].flatMap(([rule, byKey]) => [...byKey].map(([key, json]) => ({ rule, key, value: JSON.parse(json) as unknown }))),
      timers: [...this.data.timers].flatMap(([rule, byKey]) => [...byKey].map(([key, at]) => ({ rule, key, at }))),
      episodes: [...this.data.episodes.values()].map((json) => JSON.parse(json) as ActiveEpisode),
      unsent: [...this.data.unsent.values()].map((json) => JSON.parse(json) as UnsentItem),
      takenInputs: [...this.data.takenInputs.values()].map((row) => ({ ...row })),
    };
  }

  commit(changes: RuleStateChanges): void {
    this.assertOpen();
    // Serialise first: a value JSON cannot hold throws before anything is changed (all or nothing).
    const states = changes.states.map((change) => (change.value === undefined ? undefined : toJson(change)));
    const episodes = changes.episodes.map((change) => ({ ...change, json: change.episode ? JSON.stringify(change.episode) : undefined }));
    const { data } = this;
    if (changes.engineTime !== undefined) data.engineTime = changes.engineTime;
    changes.states.forEach(({ rule, key }, index) => {
      const json = states[index];
      if (json === undefined) data.states.get(rule)?.delete(key);
      else byRule(data.states, rule).set(key, json);
    });
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

/** JSON text of a state value; throws for what JSON cannot hold (as SQLite's NOT NULL does). */
function toJson(change: { rule: string; key: string; value?: unknown }): string {
  const json = JSON.stringify(change.value);
  if (json === undefined) throw new TypeError(`state ${change.rule}/${change.key} is not a JSON value`);
  return json;
}
