import { describe, expect, it } from 'vitest';
import { DecodingTurns, LEAST_BYTES_PER_MESSAGE, type DecodingRoom } from '../../../../cloud/ingest/decoding-turns.js';
import { WriteGroups } from '../../../../cloud/ingest/write-groups.js';

/** Turns of the event loop run by hand: each call of runTurn() is the next turn. */
function manualTurns() {
  const scheduled: Array<() => void> = [];
  return {
    laterTurn: (run: () => void) => void scheduled.push(run),
    pending: () => scheduled.length,
    async runTurn(): Promise<void> {
      const due = scheduled.splice(0);
      due.forEach((run) => run());
      // What the turn admitted runs before the next one (microtasks run between turns).
      await new Promise<void>((resolve) => queueMicrotask(resolve));
    },
  };
}

function admitAll(turns: DecodingTurns, sizes: number[], admitted: number[]): Array<Promise<void>> {
  return sizes.map((bytes, index) => turns.admit(bytes).then(() => void admitted.push(index)));
}

describe('decoding turns: a lane decodes a share of its messages per turn of the event loop', () => {
  it('admits messages at once until the turn has decoded its bytes, the rest in later turns in the order they came', async () => {
    const loop = manualTurns();
    const turns = new DecodingTurns(100, loop.laterTurn, undefined, 0);
    const admitted: number[] = [];
    const all = admitAll(turns, [40, 40, 40, 40, 40, 40, 40], admitted);
    await Promise.resolve();
    // 40 + 40 + 40 reach 100 with the third: the turn has spent its bytes.
    expect(admitted).toEqual([0, 1, 2]);
    expect(turns.waitingMessages).toBe(4);
    await loop.runTurn();
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5]);
    await loop.runTurn();
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await Promise.all(all);
    expect(turns.waitingMessages).toBe(0);
  });

  it('lets the first message of a turn go however large, and one that comes while others wait goes after them', async () => {
    const loop = manualTurns();
    const turns = new DecodingTurns(100, loop.laterTurn, undefined, 0);
    const admitted: number[] = [];
    admitAll(turns, [500, 10], admitted);
    await Promise.resolve();
    expect(admitted).toEqual([0]);
    const late = turns.admit(1).then(() => void admitted.push(2));
    await loop.runTurn();
    await late;
    expect(admitted).toEqual([0, 1, 2]);
  });

  it('starts each turn afresh, and schedules nothing once no message came in the last one', async () => {
    const loop = manualTurns();
    const turns = new DecodingTurns(100, loop.laterTurn, undefined, 0);
    await turns.admit(100);
    await loop.runTurn();
    // A new turn: the next message goes at once.
    let admitted = false;
    void turns.admit(100).then(() => (admitted = true));
    await Promise.resolve();
    expect(admitted).toBe(true);
    await loop.runTurn();
    await loop.runTurn();
    expect(loop.pending()).toBe(0);
  });

  it('charges a small message its least cost: a flood of small messages leaves the turn as often as messages of that size would', async () => {
    const loop = manualTurns();
    const turns = new DecodingTurns(100, loop.laterTurn, undefined, 25);
    const admitted: number[] = [];
    // Five messages of 1 byte, each charged 25: four reach 100, the fifth waits for the next turn.
    const all = admitAll(turns, [1, 1, 1, 1, 1, 60], admitted);
    await Promise.resolve();
    expect(admitted).toEqual([0, 1, 2, 3]);
    await loop.runTurn();
    // A message larger than the least cost is charged its own bytes: 25 + 60 < 100, both go.
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5]);
    await Promise.all(all);
  });

  it('charges every message at least LEAST_BYTES_PER_MESSAGE by default', async () => {
    const loop = manualTurns();
    const turns = new DecodingTurns(4 * LEAST_BYTES_PER_MESSAGE, loop.laterTurn);
    const admitted: number[] = [];
    const all = admitAll(turns, Array.from({ length: 6 }, () => 1_000), admitted);
    await Promise.resolve();
    expect(admitted).toEqual([0, 1, 2, 3]);
    await loop.runTurn();
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5]);
    await Promise.all(all);
  });

  it('keeps the order across many turns of a long queue', async () => {
    const loop = manualTurns();
    const turns = new DecodingTurns(10, loop.laterTurn, undefined, 0);
    const admitted: number[] = [];
    const all = admitAll(turns, Array.from({ length: 3_000 }, () => 10), admitted);
    while (turns.waitingMessages > 0) await loop.runTurn();
    await Promise.all(all);
    expect(admitted).toEqual(Array.from({ length: 3_000 }, (_, index) => index));
  });

  it('decodes no sooner than the writes have room, and goes on once they have', async () => {
    const loop = manualTurns();
    let room = false;
    const listeners: Array<() => void> = [];
    const writes: DecodingRoom = { hasRoom: () => room, whenRoom: (listener) => void listeners.push(listener) };
    const turns = new DecodingTurns(100, loop.laterTurn, writes, 0);
    const admitted: number[] = [];
    const all = admitAll(turns, [10, 10], admitted);
    await loop.runTurn();
    expect(admitted).toEqual([]);
    // Waiting for room, not turning the loop over and over.
    expect(loop.pending()).toBe(0);
    expect(listeners).toHaveLength(1);
    room = true;
    listeners.shift()!();
    await loop.runTurn();
    await Promise.all(all);
    expect(admitted).toEqual([0, 1]);
  });
});

describe('write groups as the room decoding waits for', () => {
  it('have room while fewer than two writes of items wait, and say so once a write takes them', async () => {
    let finishWrite: () => void = () => undefined;
    const groups = new WriteGroups<string>(() => new Promise<void>((resolve) => (finishWrite = resolve)), { maxItems: 2, maxConcurrentWrites: 1 });
    const origin = { gatewayId: 'gw-1', estateId: 'estate-1', receivedAt: 0 };
    // The first two items go in a write at once; the next four wait for it.
    const written = ['a', 'b', 'c', 'd', 'e', 'f'].map((item) => groups.write(origin, [item]));
    expect(groups.backlog).toEqual({ messages: 4, items: 4, writes: 1 });
    expect(groups.hasRoom()).toBe(false);
    let told = 0;
    groups.whenRoom(() => (told += 1));
    expect(told).toBe(0);
    finishWrite();
    await written[0];
    // The next write took two: two wait, under two writes' worth.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(groups.backlog.items).toBe(2);
    expect(groups.hasRoom()).toBe(true);
    expect(told).toBe(1);
    groups.whenRoom(() => (told += 1));
    expect(told).toBe(2);
    finishWrite();
    await written[3];
    // The last write starts once the one before is through.
    await new Promise<void>((resolve) => setImmediate(resolve));
    finishWrite();
    await Promise.all(written);
  });
});
