import { fromWireTime } from '../../shared/contract/index.js';
import type { Clock } from '../../shared/time/clock.js';
import { OUTBOX_CHANNELS, type Outbox, type OutboxBatch, type OutboxChannel, type OutboxItems, type OutboxStats } from './outbox.js';

interface Entry {
  item: OutboxItems[OutboxChannel];
  appendedAt: number;
  eventTime: number;
}

/**
 * The in-memory outbox: the stand-in until the durable SQLite outbox lands. It keeps the outbox
 * semantics in every respect but one: its contents do not survive a restart. It never drops: items
 * stay until acknowledged however long the uplink is down (memory is the only bound, as the durable
 * outbox's disk will be), and released items are taken again after a reconnect.
 */
export class MemoryOutbox implements Outbox {
  /** Per channel, in append order (a Map iterates in insertion order). */
  private readonly queues = new Map<OutboxChannel, Map<number, Entry>>(OUTBOX_CHANNELS.map((c) => [c, new Map()]));
  private readonly inFlight = new Set<number>();
  private nextKey = 1;
  private latestAcknowledged: number | null = null;

  constructor(private readonly clock: Clock) {}

  async append<C extends OutboxChannel>(channel: C, items: ReadonlyArray<OutboxItems[C]>): Promise<void> {
    const queue = this.queue(channel);
    const appendedAt = this.clock.now();
    for (const item of items) queue.set(this.nextKey++, { item, appendedAt, eventTime: fromWireTime(item.event_time) });
  }

  async take(maxItems: number, channels: readonly OutboxChannel[] = OUTBOX_CHANNELS): Promise<OutboxBatch | null> {
    for (const channel of OUTBOX_CHANNELS) {
      if (!channels.includes(channel)) continue;
      const keys: number[] = [];
      const items: Array<OutboxItems[OutboxChannel]> = [];
      for (const [key, entry] of this.queue(channel)) {
        if (keys.length >= maxItems) break;
        if (this.inFlight.has(key)) continue;
        keys.push(key);
        items.push(entry.item);
      }
      if (keys.length === 0) continue;
      for (const key of keys) this.inFlight.add(key);
      return { channel, keys, items } as OutboxBatch;
    }
    return null;
  }

  async acknowledge(keys: readonly number[]): Promise<void> {
    for (const key of keys) {
      this.inFlight.delete(key);
      for (const queue of this.queues.values()) {
        const entry = queue.get(key);
        if (!entry) continue;
        queue.delete(key);
        this.latestAcknowledged = Math.max(this.latestAcknowledged ?? entry.eventTime, entry.eventTime);
      }
    }
  }

  async release(keys: readonly number[]): Promise<void> {
    for (const key of keys) this.inFlight.delete(key);
  }

  async stats(): Promise<OutboxStats> {
    let depth = 0;
    let oldestAppended: number | null = null;
    let earliestEvent: number | null = null;
    for (const queue of this.queues.values()) {
      depth += queue.size;
      for (const entry of queue.values()) {
        oldestAppended = Math.min(oldestAppended ?? entry.appendedAt, entry.appendedAt);
        earliestEvent = Math.min(earliestEvent ?? entry.eventTime, entry.eventTime);
      }
    }
    return {
      depth,
      oldest_appended_at: oldestAppended,
      earliest_pending_event_time: earliestEvent,
      latest_acknowledged_event_time: this.latestAcknowledged,
    };
  }

  private queue(channel: OutboxChannel): Map<number, Entry> {
    return this.queues.get(channel)!;
  }
}
