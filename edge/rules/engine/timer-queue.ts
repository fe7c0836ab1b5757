/** A due timer, as the queue hands it out. */
export interface DueTimer {
  rule: string;
  key: string;
  at: number;
}

interface Live {
  at: number;
  /** Generation of the heap entry that stands for this timer. */
  seq: number;
}

interface HeapEntry {
  at: number;
  rule: string;
  key: string;
  seq: number;
}

/** Heap entries beyond twice the live timers (plus this slack) trigger a rebuild. */
const COMPACT_SLACK = 1024;

/**
 * Running timers of every rule, handed out in (at, rule, key) order. A binary heap with lazy
 * deletion: clearing or moving a timer leaves its old heap entry behind, recognised as stale by
 * its generation. Moving a timer later (the common case: a device-silence timer pushed on by every
 * reading) costs no heap operation: the entry is re-queued at the live time when it surfaces.
 */
export class TimerQueue {
  private readonly live = new Map<string, Map<string, Live>>();
  private heap: HeapEntry[] = [];
  private seq = 0;
  private size = 0;

  get count(): number {
    return this.size;
  }

  get(rule: string, key: string): number | undefined {
    return this.live.get(rule)?.get(key)?.at;
  }

  /** Sets (or moves) a timer; returns when it was due before, undefined for a new one (for an undo). */
  set(rule: string, key: string, at: number): number | undefined {
    let timers = this.live.get(rule);
    if (!timers) this.live.set(rule, (timers = new Map()));
    const current = timers.get(key);
    const previous = current?.at;
    if (current && at >= current.at) {
      current.at = at; // its heap entry is at or before `at`; it is re-queued when it surfaces
      return previous;
    }
    if (!current) this.size++;
    const seq = ++this.seq;
    timers.set(key, { at, seq });
    this.push({ at, rule, key, seq });
    if (this.heap.length > 2 * this.size + COMPACT_SLACK) this.rebuild();
    return previous;
  }

  delete(rule: string, key: string): void {
    const timers = this.live.get(rule);
    if (timers?.delete(key)) this.size--;
  }

  /** Removes and returns the first timer due at or before `time`, or undefined. */
  popDue(time: number): DueTimer | undefined {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > time) return undefined;
      this.pop();
      const current = this.live.get(top.rule)?.get(top.key);
      if (!current || current.seq !== top.seq) continue; // cleared or replaced
      if (current.at > top.at) {
        top.at = current.at; // moved later meanwhile: the entry, off the heap now, goes back in at its time
        this.push(top);
        continue;
      }
      this.delete(top.rule, top.key);
      return top; // off the heap: the caller's to keep
    }
  }

  /** Every live timer (for a snapshot); order unspecified. */
  *entries(): IterableIterator<DueTimer> {
    for (const [rule, timers] of this.live) for (const [key, { at }] of timers) yield { rule, key, at };
  }

  private rebuild(): void {
    this.heap = [];
    for (const [rule, timers] of this.live) for (const [key, live] of timers) this.push({ at: live.at, rule, key, seq: live.seq });
  }

  private push(entry: HeapEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
  }
}

/** (at, rule, key) order: the order in which due timers fire. */
function before(a: HeapEntry, b: HeapEntry): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.rule !== b.rule) return a.rule < b.rule;
  return a.key < b.key;
}
