import type { AlertItem } from '../../shared/contract/index.js';
import type { ActiveEpisode } from '../rules/rule.js';
import type { RuleStateChanges, RuleStateSnapshot, RuleStateStore } from './rule-state-store.js';

/**
 * What a memory store holds; it outlives the store objects over it, so a test can "restart" an
 * engine on the same data. Values are kept as JSON text, exactly as the SQLite store keeps them, so
 * both give back the same thing (a Date becomes a string, undefined members vanish).
 */
export class MemoryRuleStateData {
  engineTime: number | null = null;
  readonly states = new Map<string, { rule: string; key: string; json: string }>();
  readonly timers = new Map<string, { rule: string; key: string; at: number }>();
  readonly episodes = new Map<string, string>();
  /** By alert id, in the order raised (a Map keeps insertion order). */
  readonly unsentAlerts = new Map<string, string>();
}

/** The in-memory backend: backtests, benchmarks, tests. Nothing survives the process. */
export class MemoryRuleStateStore implements RuleStateStore {
  private closed = false;

  constructor(private readonly data: MemoryRuleStateData = new MemoryRuleStateData()) {}

  load(): RuleStateSnapshot {
    this.assertOpen();
    return {
      engineTime: this.data.engineTime,
      states: [...this.data.states.values()].map(({ rule, key, json }) => ({ rule, key, value: JSON.parse(json) as unknown })),
      timers: [...this.data.timers.values()].map((timer) => ({ ...timer })),
      episodes: [...this.data.episodes.values()].map((json) => JSON.parse(json) as ActiveEpisode),
      unsentAlerts: [...this.data.unsentAlerts.values()].map((json) => JSON.parse(json) as AlertItem),
    };
  }

  commit(changes: RuleStateChanges): void {
    this.assertOpen();
    // Serialise first: a value JSON cannot hold throws before anything is changed (all or nothing).
    const states = changes.states.map((change) => ({ ...change, json: change.value === undefined ? undefined : toJson(change) }));
    const episodes = changes.episodes.map((change) => ({ ...change, json: change.episode ? JSON.stringify(change.episode) : undefined }));
    const { data } = this;
    if (changes.engineTime !== undefined) data.engineTime = changes.engineTime;
    for (const { rule, key, json } of states) {
      const id = `${rule}\u001f${key}`;
      if (json === undefined) data.states.delete(id);
      else data.states.set(id, { rule, key, json });
    }
    for (const { rule, key, at } of changes.timers) {
      const id = `${rule}\u001f${key}`;
      if (at === undefined) data.timers.delete(id);
      else data.timers.set(id, { rule, key, at });
    }
    for (const { rule, subject, json } of episodes) {
      const id = `${rule}\u001f${subject.kind}\u001f${subject.id}`;
      if (json === undefined) data.episodes.delete(id);
      else data.episodes.set(id, json);
    }
    for (const { id, alert } of changes.unsentAlerts ?? []) {
      if (alert) data.unsentAlerts.set(id, JSON.stringify(alert));
      else data.unsentAlerts.delete(id);
    }
  }

  close(): void {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('rule state store is closed');
  }
}

/** JSON text of a state value; throws for what JSON cannot hold (as SQLite's NOT NULL does). */
function toJson(change: { rule: string; key: string; value?: unknown }): string {
  const json = JSON.stringify(change.value);
  if (json === undefined) throw new TypeError(`state ${change.rule}/${change.key} is not a JSON value`);
  return json;
}
