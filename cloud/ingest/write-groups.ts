import type { BatchOrigin, OriginItems } from '../telemetry/telemetry-store.js';
import type { DecodingRoom } from './decoding-turns.js';
import { storeRefusesData } from './store-failure.js';

export interface WriteGroupsOptions {
  /** Items one write takes at most; a message with more goes in a write of its own. */
  maxItems: number;
  /** Writes of this kind under way at once; what comes meanwhile waits and goes in the next. */
  maxConcurrentWrites: number;
}

/** Told of each write: for the metrics. */
export interface WriteGroupsObserver {
  /** A write of this many messages' items was sent (resolved or not). */
  wrote(messages: number): void;
  /** A grouped write was refused for its data and goes again one message at a time. */
  split(): void;
}

interface PendingMessage<T> {
  group: OriginItems<T>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Groups the items of many messages into few store writes. A message's write() resolves once a
 * write holding its items has succeeded, and rejects with that write's error otherwise: the caller
 * (ingest) holds the message back and sends no PUBACK and no receipt, as when it wrote alone.
 *
 * When to write: at once when maxItems are waiting, else at the end of the current turn of the event
 * loop (setImmediate), so every message decoded in one turn (decoding-turns.ts: a share of what
 * MQTT.js parsed from a socket read) goes in one write; no timer, so a lone message waits for nothing.
 * While maxConcurrentWrites are under way the next write waits for one of them: the busier the
 * store, the larger the writes, the fewer per item.
 *
 * A write the store refuses for its data (store-failure.ts storeRefusesData) is written again one
 * message at a time, so only the message with the bad item is refused (and that message's own
 * items are then tried one by one, item-refusals.ts storeBatch): one bad item costs its neighbours
 * a second write, never their storage.
 */
export class WriteGroups<T> implements DecodingRoom {
  private pending: PendingMessage<T>[] = [];
  private roomListeners: Array<() => void> = [];
  private pendingItems = 0;
  private writing = 0;
  private turnScheduled = false;

  constructor(
    private readonly writeGroups: (groups: readonly OriginItems<T>[]) => Promise<void>,
    private readonly options: WriteGroupsOptions,
    private readonly observer: WriteGroupsObserver = { wrote: () => undefined, split: () => undefined },
  ) {}

  /** Messages waiting for a write, and writes under way: for tests and the metrics. */
  get backlog(): { messages: number; items: number; writes: number } {
    return { messages: this.pending.length, items: this.pendingItems, writes: this.writing };
  }

  /**
   * Room for more messages to be decoded (decoding-turns.ts): fewer than two writes' worth of items
   * wait for a write, so the next write is full when one under way is through.
   */
  hasRoom(): boolean {
    return this.pendingItems < 2 * this.options.maxItems;
  }

  whenRoom(listener: () => void): void {
    if (this.hasRoom()) listener();
    else this.roomListeners.push(listener);
  }

  write(origin: BatchOrigin, items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ group: { origin, items }, resolve, reject });
      this.pendingItems += items.length;
      if (this.pendingItems >= this.options.maxItems) this.startWrites();
      else this.startAtEndOfTurn();
    });
  }

  private startAtEndOfTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      this.startWrites();
    });
  }

  private startWrites(): void {
    while (this.pending.length > 0 && this.writing < this.options.maxConcurrentWrites) {
      const taken = this.take();
      this.writing += 1;
      void this.writeTaken(taken).finally(() => {
        this.writing -= 1;
        // Whatever came while this write was under way has waited for it: the next write goes now.
        this.startWrites();
      });
    }
  }

  /** The oldest waiting messages, up to maxItems items (at least one message). */
  private take(): PendingMessage<T>[] {
    let items = 0;
    let count = 0;
    while (count < this.pending.length) {
      const size = this.pending[count]!.group.items.length;
      if (count > 0 && items + size > this.options.maxItems) break;
      items += size;
      count += 1;
    }
    this.pendingItems -= items;
    const taken = this.pending.splice(0, count);
    if (this.roomListeners.length > 0 && this.hasRoom()) this.roomListeners.splice(0).forEach((listener) => listener());
    return taken;
  }

  private async writeTaken(messages: PendingMessage<T>[]): Promise<void> {
    try {
      this.observer.wrote(messages.length);
      await this.writeGroups(messages.map((message) => message.group));
      messages.forEach((message) => message.resolve());
      return;
    } catch (error) {
      if (!storeRefusesData(error) || messages.length === 1) {
        messages.forEach((message) => message.reject(error));
        return;
      }
    }
    this.observer.split();
    for (const message of messages) {
      try {
        this.observer.wrote(1);
        await this.writeGroups([message.group]);
        message.resolve();
      } catch (error) {
        message.reject(error);
      }
    }
  }
}
