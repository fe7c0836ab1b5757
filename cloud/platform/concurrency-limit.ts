/**
 * Runs at most `limit` tasks at once; the rest wait their turn in arrival order. For work whose
 * cost is memory, such as a memory-hard password hash, where a burst must queue instead of
 * allocating for all at once.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task, so running stays counted without a gap.
      if (next) next();
      else this.running--;
    }
  }
}
