import type { ItemRefusal } from '../../shared/contract/index.js';
import { storeRefusesData } from './store-failure.js';

/** One item refused for good: which, why, and what the log may say of it. */
export interface ItemRefusalEntry {
  itemId: string;
  reason: ItemRefusal;
  detail: string;
}

/** The items of one message refused for good, in the order they were refused. */
export class ItemRefusals {
  readonly entries: ItemRefusalEntry[] = [];

  add(reason: ItemRefusal, itemId: string, detail: string): void {
    this.entries.push({ itemId, reason, detail });
  }

  get total(): number {
    return this.entries.length;
  }

  /** The reason of the first refused item; undefined when none was. */
  get first(): ItemRefusal | undefined {
    return this.entries[0]?.reason;
  }

  /** The counts by reason, for a receipt's `refused`; undefined when nothing was refused. */
  byReason(): Partial<Record<ItemRefusal, number>> | undefined {
    if (this.entries.length === 0) return undefined;
    const counts: Partial<Record<ItemRefusal, number>> = {};
    for (const { reason } of this.entries) counts[reason] = (counts[reason] ?? 0) + 1;
    return counts;
  }

  describe(): string {
    return Object.entries(this.byReason() ?? {})
      .map(([reason, count]) => `${count} ${reason}`)
      .join(', ');
  }
}

/**
 * Writes each item on its own; an item the store refuses for the data itself (store-failure.ts
 * storeRefusesData) is handed to onRefused and the rest go on. Any other error propagates, and the
 * caller holds the whole message: writes are idempotent, so the items written before it are
 * written again harmlessly. Returns how many items were refused.
 */
export async function storeOneByOne<T>(items: readonly T[], writeOne: (item: T) => Promise<unknown>, onRefused: (item: T, error: unknown) => void): Promise<number> {
  let refused = 0;
  for (const item of items) {
    try {
      await writeOne(item);
    } catch (error) {
      if (!storeRefusesData(error)) throw error;
      refused += 1;
      onRefused(item, error);
    }
  }
  return refused;
}

/**
 * Writes the items as one batch. When the store refuses the batch for its data, one bad item would
 * take every good one down with it (a PostgreSQL statement fails as a whole; InfluxDB drops only the
 * bad points, but does not say which), so the items are written again one by one: the good ones are
 * kept, the bad ones refused. That costs a write per item only for a batch with bad data in it.
 */
export async function storeBatch<T>(items: readonly T[], writeBatch: (items: readonly T[]) => Promise<unknown>, onRefused: (item: T, error: unknown) => void): Promise<number> {
  if (items.length === 0) return 0;
  try {
    await writeBatch(items);
    return 0;
  } catch (error) {
    if (!storeRefusesData(error)) throw error;
    if (items.length === 1) {
      onRefused(items[0]!, error);
      return 1;
    }
  }
  return storeOneByOne(items, (item) => writeBatch([item]), onRefused);
}
