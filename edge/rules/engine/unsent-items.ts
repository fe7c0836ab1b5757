import type { RuleStateChanges, UnsentItem } from '../state/rule-state-store.js';

type Channel = UnsentItem['channel'];
type UnsentChange = NonNullable<RuleStateChanges['unsent']>[number];

const keyOf = (channel: Channel, id: string): string => `${channel}\u001f${id}`;

/**
 * Alerts and events on their way to the outbox, kept in the rule state until the outbox has them
 * (rule-engine.ts, "Unsent items"): in memory in the order kept, and the rows to write or delete at
 * the next commit.
 */
export class UnsentItems {
  private readonly items = new Map<string, UnsentItem>();
  private readonly pending = new Map<string, UnsentChange>();

  constructor(loaded: readonly UnsentItem[]) {
    for (const item of loaded) this.items.set(keyOf(item.channel, item.item.id), item);
  }

  get size(): number {
    return this.items.size;
  }

  keep(item: UnsentItem): void {
    const key = keyOf(item.channel, item.item.id);
    this.items.set(key, item);
    this.pending.set(key, { channel: item.channel, id: item.item.id, item });
  }

  /** These are in the outbox: forgotten, on disk at the next commit. Unknown ids are ignored. */
  handedOver(channel: Channel, ids: Iterable<string>): void {
    for (const id of ids) {
      const key = keyOf(channel, id);
      // A delete even when the row never reached the disk (a no-op then): the same item kept twice,
      // once committed, must not leave its row behind.
      if (this.items.delete(key)) this.pending.set(key, { channel, id });
    }
  }

  /** Every item kept, in the order kept (copies). */
  all(): UnsentItem[] {
    return [...this.items.values()].map((item) => structuredClone(item));
  }

  /** Rows to write at the next commit, or undefined when there are none. */
  changes(): UnsentChange[] | undefined {
    return this.pending.size > 0 ? [...this.pending.values()] : undefined;
  }

  /** After a successful commit. */
  clean(): void {
    this.pending.clear();
  }
}
