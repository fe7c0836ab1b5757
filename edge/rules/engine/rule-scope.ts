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
  /**
   * The state by key, one slot per key holding its value and whether it waits for the next commit:
   * a rule's write is one lookup, where a value map and a set of dirty keys took three (a rule writes
   * its state on nearly every meter frame). A key deleted since the last commit keeps its slot, with
   * no value, until that commit has written the deletion.
   */
  private readonly slots = new Map<string, StateSlot>();
  /**
   * The slot last looked up or made: a rule reads a key and then writes it (a meter's track, a
   * household's state), and the write finds the slot here, not in a map of thousands of keys
   * (its lookups were the largest single item of the rules bench's profile, 4.7 %).
   */
  private lastSlot: StateSlot | undefined;
  readonly episodes = new Map<string, ActiveEpisode>();
  /** The slots changed since the last commit, the first dirtyCount of them, in the order first changed. */
  private readonly dirtySlots: Array<StateSlot | undefined> = [];
  private dirtyCount = 0;
  private readonly dirtyTimers = new Set<string>();
  private readonly dirtyEpisodes = new Map<string, Subject>();
  private recording = false;
  /**
   * What the running rule call changed, to undo it should the rule throw: a flat journal of
   * (kind, state slot or timer key, previous) triples, reused from call to call (a rule sees every
   * meter frame: no closure or record is made per write). Its first journalLength entries are the running call's.
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
    return this.slot(key)?.value as T | undefined;
  }

  /** A value the store held at start (not a change to commit). */
  loadState(key: string, value: unknown): void {
    this.slots.set(key, { key, value, dirty: false });
    this.lastSlot = undefined;
  }

  setState(key: string, value: unknown): void {
    // A scalar JSON cannot hold fails here, inside the rule call (contained, rolled back). Objects are
    // not serialised twice on the hot path: one JSON cannot hold fails the commit, which then drops it.
    if (value !== undefined && value !== null && typeof value !== 'object' && !isJsonScalar(value)) {
      throw new TypeError(`state ${this.rule}/${key}: ${typeof value} is not a JSON value`);
    }
    // Undefined is "absent": setting it deletes the key.
    let slot = this.slot(key);
    if (!slot) {
      if (value === undefined) return; // nothing to delete, nothing to undo
      this.slots.set(key, (slot = this.lastSlot = { key, value: undefined, dirty: false }));
    }
    if (this.recording) this.record(STATE, slot, slot.value);
    slot.value = value;
    if (!slot.dirty) {
      slot.dirty = true;
      this.dirtySlots[this.dirtyCount++] = slot;
    }
  }

  setTimer(key: string, at: number): void {
    if (!Number.isFinite(at)) throw new TypeError(`timer ${this.rule}/${key}: at must be a finite epoch ms, got ${at}`);
    // The queue says when it was due before: no lookup of its own for the undo journal.
    const previous = this.host.timers.set(this.rule, key, at);
    if (this.recording) this.record(TIMER, key, previous);
    this.dirtyTimers.add(key);
  }

  clearTimer(key: string): void {
    const previous = this.host.timers.get(this.rule, key);
    if (previous === undefined) return;
    if (this.recording) this.record(TIMER, key, previous);
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
      const previous = journal[index + 2];
      if (journal[index] === STATE) (journal[index + 1] as StateSlot).value = previous;
      else if (previous === undefined) this.host.timers.delete(this.rule, journal[index + 1] as string);
      else this.host.timers.set(this.rule, journal[index + 1] as string, previous as number);
    }
    this.forget();
  }

  /** Adds this scope's dirty entries (their current values) to a commit, and forgets them. */
  collect(changes: RuleStateChanges): void {
    const { rule } = this;
    const { dirtySlots } = this;
    for (let index = 0; index < this.dirtyCount; index++) {
      const slot = dirtySlots[index]!;
      changes.states.push({ rule, key: slot.key, value: slot.value });
    }
    for (const key of this.dirtyTimers) changes.timers.push({ rule, key, at: this.host.timers.get(rule, key) });
    for (const [key, subject] of this.dirtyEpisodes) changes.episodes.push({ rule, subject, episode: this.episodes.get(key) });
  }

  /** Drops (and names) every dirty state value JSON cannot hold; called after a failed commit. */
  dropUnserialisable(): string[] {
    const dropped: string[] = [];
    for (let index = 0; index < this.dirtyCount; index++) {
      const slot = this.dirtySlots[index]!;
      try {
        if (slot.value === undefined || JSON.stringify(slot.value) !== undefined) continue;
      } catch {
        // cyclic or BigInt: dropped below
      }
      slot.value = undefined;
      dropped.push(slot.key);
    }
    return dropped;
  }

  /** After a successful commit. */
  clean(): void {
    const { dirtySlots } = this;
    for (let index = 0; index < this.dirtyCount; index++) {
      const slot = dirtySlots[index]!;
      slot.dirty = false;
      if (slot.value === undefined) this.slots.delete(slot.key);
      dirtySlots[index] = undefined; // overwritten, not truncated (see journal)
    }
    this.dirtyCount = 0;
    this.lastSlot = undefined; // it may have left the map
    this.dirtyTimers.clear();
    this.dirtyEpisodes.clear();
  }

  private slot(key: string): StateSlot | undefined {
    const last = this.lastSlot;
    if (last !== undefined && last.key === key) return last;
    const slot = this.slots.get(key);
    if (slot !== undefined) this.lastSlot = slot;
    return slot;
  }

  /** `entry`: the state's slot, or the timer's key. */
  private record(kind: typeof STATE | typeof TIMER, entry: StateSlot | string, previous: unknown): void {
    const { journal } = this;
    journal[this.journalLength++] = kind;
    journal[this.journalLength++] = entry;
    journal[this.journalLength++] = previous;
  }

  /** Empties the journal, letting go of the previous values it held (they would otherwise live on). */
  private forget(): void {
    const { journal } = this;
    for (let index = 0; index < this.journalLength; index++) journal[index] = undefined;
    this.journalLength = 0;
  }
}

/** One state key of a scope: its value (undefined: none) and whether it waits for the next commit. */
interface StateSlot {
  readonly key: string;
  value: unknown;
  dirty: boolean;
}

/** Journal entry kinds. */
const STATE = 0;
const TIMER = 1;

function isJsonScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
