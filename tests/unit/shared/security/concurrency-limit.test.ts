import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../../../../shared/security/concurrency-limit.js';

/** A task that stays running until released by hand. */
function heldTask() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { release, released };
}

describe('ConcurrencyLimit', () => {
  it('runs at most the limit at once and starts the next in arrival order as one ends, also after a failure', async () => {
    const limit = new ConcurrencyLimit(2);
    const started: number[] = [];
    const tasks = [0, 1, 2, 3].map(() => heldTask());
    const runs = tasks.map((task, i) =>
      limit.run(async () => {
        started.push(i);
        await task.released;
        if (i === 0) throw new Error('task 0 failed');
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    tasks[0]!.release();
    await expect(runs[0]).rejects.toThrow('task 0 failed');
    expect(started).toEqual([0, 1, 2]);
    tasks[2]!.release();
    expect(await runs[2]).toBe(2);
    expect(started).toEqual([0, 1, 2, 3]);
    tasks[1]!.release();
    tasks[3]!.release();
    expect(await Promise.all([runs[1], runs[3]])).toEqual([1, 3]);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
  });
});
