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
  /**
   * What the running rule call changed, to undo it should the rule throw: a flat journal of
   * (kind, key, previous) triples, reused from call to call (a rule sees every meter frame: no
   * closure or record is made per write). Its first journalLength entries are the running call's.
   * It is emptied by overwriting its entries, never by setting its length: V8 drops an array's
   * backing store at length 0, and growing it again on the next write was 13 % of all the bytes
   * the rules bench allocated (some 29 MB of 219 MB a run, sampled).
   */
  private readonly journal: unknown[] = [];
  private journalLength = 0;

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
    if (this.episodes.size === 0) return undefined; // the common case: no key to build
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
    // A scope holds no undefined value (setting one deletes the key): undefined is "absent".
    if (this.recording) {
      const previous = this.states.get(key);
      this.record(STATE, key, previous === undefined ? ABSENT : previous);
    }
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
    // end() and rollback() leave it empty.
    if (this.journalLength !== 0) this.forget();
  }

  end(): void {
    this.recording = false;
    if (this.journalLength !== 0) this.forget();
  }

  rollback(): void {
    const { journal } = this;
    this.recording = false;
    for (let index = this.journalLength - 3; index >= 0; index -= 3) {
      const key = journal[index + 1] as string;
      const previous = journal[index + 2];
      if (journal[index] === STATE) {
        if (previous === ABSENT) this.states.delete(key);
        else this.states.set(key, previous);
      } else if (previous === undefined) this.host.timers.delete(this.rule, key);
      else this.host.timers.set(this.rule, key, previous as number);
    }
    this.forget();
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
    if (this.recording) this.record(TIMER, key, this.host.timers.get(this.rule, key));
  }

  private record(kind: typeof STATE | typeof TIMER, key: string, previous: unknown): void {
    const { journal } = this;
    journal[this.journalLength++] = kind;
    journal[this.journalLength++] = key;
    journal[this.journalLength++] = previous;
  }

  /** Empties the journal, letting go of the previous values it held (they would otherwise live on). */
  private forget(): void {
    const { journal } = this;
    for (let index = 0; index < this.journalLength; index++) journal[index] = undefined;
    this.journalLength = 0;
  }
}

/** Journal entry kinds, and the previous value of a state key that had none. */
const STATE = 0;
const TIMER = 1;
const ABSENT = Symbol('absent');

function isJsonScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
