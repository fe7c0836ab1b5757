/**
 * Runs tasks one after another per key, and tasks of different keys side by side: ingest handles
 * the alerts (and the events, and the status) of one gateway in the order they arrived, since a
 * ticket's episode follows its alerts in order, while every other gateway's messages go on.
 */
export class InOrderPerKey {
  private readonly tails = new Map<string, Promise<void>>();

  run<R>(key: string, task: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task) : task();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
