import type { Component } from '../../shared/lifecycle/component.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Outbox, OutboxBatch, OutboxChannel, OutboxItems, OutboxStats } from './outbox.js';
import { SqliteOutbox, type SqliteOutboxOptions } from './sqlite-outbox.js';

/**
 * The gateway's outbox as a component: the SQLite outbox file is opened at start (building a gateway
 * touches no file) and closed at stop, after everything that appends to it has stopped. Until then
 * every call is refused, so nothing can be "appended" into a store that is not there.
 */
export class DurableOutbox implements Outbox, Component {
  readonly name = 'outbox';
  private store: SqliteOutbox | null = null;

  constructor(
    private readonly path: string,
    private readonly clock: Clock,
    private readonly budget: SqliteOutboxOptions = {},
  ) {}

  async start(): Promise<void> {
    this.store = new SqliteOutbox(this.path, this.clock, this.budget);
  }

  async stop(): Promise<void> {
    this.store?.close();
    this.store = null;
  }

  async append<C extends OutboxChannel>(channel: C, items: ReadonlyArray<OutboxItems[C]>): Promise<void> {
    return this.open().append(channel, items);
  }

  async take(maxItems: number, channels?: readonly OutboxChannel[]): Promise<OutboxBatch | null> {
    return this.open().take(maxItems, channels);
  }

  async acknowledge(keys: readonly number[]): Promise<void> {
    return this.open().acknowledge(keys);
  }

  async release(keys: readonly number[]): Promise<void> {
    return this.open().release(keys);
  }

  async stats(): Promise<OutboxStats> {
    return this.open().stats();
  }

  private open(): SqliteOutbox {
    if (!this.store) throw new Error(`the outbox ${this.path} is not open`);
    return this.store;
  }
}
