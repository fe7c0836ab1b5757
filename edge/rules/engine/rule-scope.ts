import type { Subject } from '../../../shared/contract/index.js';
import type { RulesConfig } from '../../../shared/contract/rules-config.js';
import type { RuleStateChanges } from '../state/rule-state-store.js';
import type { ActiveEpisode, DeviceDirectory, RuleContext } from '../rule.js';
import type { TimerQueue } from './timer-queue.js';

/** What every scope reads from the engine: the time of the input being handled, config, devices. */
export interface ScopeHost {
  readonly now: number;
  readonly config: RulesConfig;
  readonly devices: DeviceDirectory;
  readonly timers: TimerQueue;
}

export function subjectKey(subject: Subject): string {
  return `${subject.kind}\u001f${subject.id}`;
}

/**
 * One rule's view of the engine (its RuleContext): its state, its timers and its open episodes,
 * each change marked dirty for the next commit. A rule call runs inside begin()/end(); when the
 * rule throws, rollback() undoes what that call changed, so a failing rule leaves no half-made
 * state behind.
 */
export class RuleScope implements RuleContext {
  readonly states = new Map<string, unknown>();
  readonly episodes = new Map<string, ActiveEpisode>();
  private readonly dirtyStates = new Set<string>();
  private readonly dirtyTimers = new Set<string>();
  private readonly dirtyEpisodes = new Map<string, Subject>();
  private recording = false;
  private undo: Array<() => void> | undefined;

  constructor(
    readonly rule: string,
    private readonly host: ScopeHost,
  ) {}

  get now(): number {
    return this.host.now;
  }

  get config(): RulesConfig {
    return this.host.config;
  }

  get devices(): DeviceDirectory {
    return this.host.devices;
  }

  episode(subject: Subject): ActiveEpisode | undefined {
    return this.episodes.get(subjectKey(subject));
  }

  state<T>(key: string): T | undefined {
    return this.states.get(key) as T | undefined;
  }

  setState(key: string, value: unknown): void {
    // A scalar JSON cannot hold fails here, inside the rule call (contained, rolled back). Objects are
    // not serialised twice on the hot path: one JSON cannot hold fails the commit, which then drops it.
    if (value !== undefined && value !== null && typeof value !== 'object' && !isJsonScalar(value)) {
      throw new TypeError(`state ${this.rule}/${key}: ${typeof value} is not a JSON value`);
    }
    const had = this.states.has(key);
    const previous = this.states.get(key);
    if (this.recording) (this.undo ??= []).push(() => (had ? this.states.set(key, previous) : this.states.delete(key)));
    if (value === undefined) this.states.delete(key);
    else this.states.set(key, value);
    this.dirtyStates.add(key);
  }

  setTimer(key: string, at: number): void {
    if (!Number.isFinite(at)) throw new TypeError(`timer ${this.rule}/${key}: at must be a finite epoch ms, got ${at}`);
    this.recordTimerUndo(key);
    this.host.timers.set(this.rule, key, at);
    this.dirtyTimers.add(key);
  }

  clearTimer(key: string): void {
    if (this.host.timers.get(this.rule, key) === undefined) return;
    this.recordTimerUndo(key);
    this.host.timers.delete(this.rule, key);
    this.dirtyTimers.add(key);
  }

  /** The engine fired (and so removed) this timer: the removal is persisted with the input. */
  timerFired(key: string): void {
    this.dirtyTimers.add(key);
  }

  putEpisode(episode: ActiveEpisode): void {
    const key = subjectKey(episode.subject);
    this.episodes.set(key, episode);
    this.dirtyEpisodes.set(key, episode.subject);
  }

  deleteEpisode(subject: Subject): void {
    const key = subjectKey(subject);
    this.episodes.delete(key);
    this.dirtyEpisodes.set(key, subject);
  }

  begin(): void {
    this.recording = true;
    this.undo = undefined;
  }

  end(): void {
    this.recording = false;
    this.undo = undefined;
  }

  rollback(): void {
    const undo = this.undo ?? [];
    this.end();
    for (let index = undo.length - 1; index >= 0; index--) undo[index]!();
  }

  /** Adds this scope's dirty entries (their current values) to a commit, and forgets them. */
  collect(changes: RuleStateChanges): void {
    const { rule } = this;
    for (const key of this.dirtyStates) changes.states.push({ rule, key, value: this.states.get(key) });
    for (const key of this.dirtyTimers) changes.timers.push({ rule, key, at: this.host.timers.get(rule, key) });
    for (const [key, subject] of this.dirtyEpisodes) changes.episodes.push({ rule, subject, episode: this.episodes.get(key) });
  }

  /** Drops (and names) every dirty state value JSON cannot hold; called after a failed commit. */
  dropUnserialisable(): string[] {
    const dropped: string[] = [];
    for (const key of this.dirtyStates) {
      try {
        if (JSON.stringify(this.states.get(key)) !== undefined || !this.states.has(key)) continue;
      } catch {
        // cyclic or BigInt: dropped below
      }
      this.states.delete(key);
      dropped.push(key);
    }
    return dropped;
  }

  /** After a successful commit. */
  clean(): void {
    this.dirtyStates.clear();
    this.dirtyTimers.clear();
    this.dirtyEpisodes.clear();
  }

  private recordTimerUndo(key: string): void {
    if (!this.recording) return;
    const previous = this.host.timers.get(this.rule, key);
    (this.undo ??= []).push(() => (previous === undefined ? this.host.timers.delete(this.rule, key) : this.host.timers.set(this.rule, key, previous)));
  }
}

function isJsonScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
