import { describe, expect, it } from 'vitest';
import { WriteGroups } from '../../../../cloud/ingest/write-groups.js';
import { TelemetryDataRefused, type OriginItems } from '../../../../cloud/telemetry/telemetry-store.js';

const origin = (gatewayId: string) => ({ gatewayId, estateId: 'estate-1', receivedAt: 0 });

/** A store's grouped write, recorded; it refuses any write holding the item "bad". */
function recordingStore() {
  const writes: string[][] = [];
  let release: (() => void) | null = null;
  let held: Promise<void> | null = null;
  return {
    writes,
    hold() {
      held = new Promise((resolve) => (release = resolve));
    },
    release: () => release?.(),
    write: async (groups: readonly OriginItems<string>[]): Promise<void> => {
      writes.push(groups.flatMap((group) => group.items.map((item) => `${group.origin.gatewayId}:${item}`)));
      if (held) await held;
      if (groups.some((group) => group.items.includes('bad'))) throw new TelemetryDataRefused('bad item');
    },
  };
}

describe('WriteGroups', () => {
  it('puts what comes in one turn in one write, and what comes while writes are under way in the next', async () => {
    const store = recordingStore();
    const groups = new WriteGroups(store.write, { maxItems: 100, maxConcurrentWrites: 1 });
    store.hold();
    const first = [groups.write(origin('a'), ['1']), groups.write(origin('b'), ['2'])];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [groups.write(origin('c'), ['3']), groups.write(origin('d'), ['4'])];
    store.release();
    await Promise.all([...first, ...second]);
    expect(store.writes).toEqual([
      ['a:1', 'b:2'],
      ['c:3', 'd:4'],
    ]);
  });

  it('writes at once when maxItems are waiting, and never more than that in one write', async () => {
    const store = recordingStore();
    const groups = new WriteGroups(store.write, { maxItems: 3, maxConcurrentWrites: 2 });
    const written = [groups.write(origin('a'), ['1', '2']), groups.write(origin('b'), ['3', '4'])];
    // Four items waiting, more than maxItems: both writes went without waiting for the turn's end.
    expect(store.writes).toEqual([['a:1', 'a:2'], ['b:3', 'b:4']]);
    written.push(groups.write(origin('c'), ['5']));
    await Promise.all(written);
    expect(store.writes).toEqual([['a:1', 'a:2'], ['b:3', 'b:4'], ['c:5']]);
  });

  it('writes a group refused for its data again message by message: only the one with the bad item fails', async () => {
    const store = recordingStore();
    const groups = new WriteGroups(store.write, { maxItems: 100, maxConcurrentWrites: 1 });
    const outcomes = await Promise.allSettled([groups.write(origin('a'), ['1']), groups.write(origin('b'), ['bad']), groups.write(origin('c'), ['3'])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.writes).toEqual([['a:1', 'b:bad', 'c:3'], ['a:1'], ['b:bad'], ['c:3']]);
  });

  it('fails every message of a write the store could not take, for ingest to hold them', async () => {
    const unavailable = new Error('connect ECONNREFUSED');
    const groups = new WriteGroups<string>(() => Promise.reject(unavailable), { maxItems: 100, maxConcurrentWrites: 1 });
    const outcomes = await Promise.allSettled([groups.write(origin('a'), ['1']), groups.write(origin('b'), ['2'])]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: unavailable },
      { status: 'rejected', reason: unavailable },
    ]);
  });
});
