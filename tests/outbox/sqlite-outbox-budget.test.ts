import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetBytesOf, SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import type { OutboxChannel, OutboxItems } from '../../edge/outbox/outbox.js';
import { ManualClock } from '../../shared/time/clock.js';
import { alert, event, OutboxFolder, reading, T0, takeAllIds } from './outbox-fixtures.js';

type Item = OutboxItems[OutboxChannel];

/** Ids 1000..9999 keep every item of a kind the same size, so budgets can be counted in rows. */
const size = (item: Item): number => budgetBytesOf(JSON.stringify(item));
/** Two series (points a and b) interleaved: odd n on a, even n on b. */
const seriesReading = (n: number) => ({ ...reading(n), point: n % 2 ? 'a' : 'b' });
/** Every reading its own series: thinning finds nothing to thin. */
const loneReading = (n: number) => ({ ...reading(n), point: `p${n}` });
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Everything still stored (take, then release). */
const storedIds = (outbox: SqliteOutbox): Promise<string[]> => takeAllIds(outbox, 'release');

const readingIds = (ns: number[]): string[] => ns.map((n) => reading(n).id);

describe('SQLite outbox: disk budget', () => {
  let folder: OutboxFolder;
  const logs: Array<{ level: number; msg: string; thinned?: number; evicted?: number }> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const open = (maxBytes: number): SqliteOutbox => folder.open(folder.path('outbox.sqlite'), new ManualClock(T0), { maxBytes, logger });

  beforeEach(() => {
    folder = new OutboxFolder();
    logs.length = 0;
  });
  afterEach(() => folder.remove());

  it('thins first: every second reading of each device/point series, first and last kept', async () => {
    const urgent = [alert(1001), alert(1002), event(1003), event(1004)];
    const R = size(seriesReading(1001));
    const max = urgent.reduce((sum, item) => sum + size(item), 0) + 40 * R;
    const outbox = open(max);
    await outbox.append('alerts', [alert(1001), alert(1002)]);
    await outbox.append('events', [event(1003), event(1004)]);
    await outbox.append('telemetry', range(1001, 1040).map(seriesReading));
    expect(await outbox.stats()).toMatchObject({ depth: 44, stored_bytes: max, thinned_telemetry: 0, evicted_telemetry: 0 });

    await outbox.append('telemetry', [seriesReading(1041)]); // one over the budget
    // a: 1001, 1003, ..., 1041 (21) loses its 2nd, 4th, ... 20th; b: 1002, ..., 1040 (20) its 2nd ... 18th, keeps its last.
    const thinnedA = range(0, 9).map((i) => 1003 + 4 * i);
    const thinnedB = range(0, 8).map((i) => 1004 + 4 * i);
    const kept = range(1001, 1041).filter((n) => !thinnedA.includes(n) && !thinnedB.includes(n));
    expect(await storedIds(outbox)).toEqual([...urgent.map((i) => i.id), ...readingIds(kept)]);
    expect(await outbox.stats()).toMatchObject({
      depth: 4 + 22,
      thinned_telemetry: 19,
      evicted_telemetry: 0,
      stored_bytes: max - 18 * R,
      telemetry_dropped_through: Date.parse(seriesReading(thinnedA.at(-1)!).event_time),
    });
    expect(logs).toEqual([expect.objectContaining({ level: 40, thinned: 19, evicted: 0 })]);
  });

  it('then evicts the oldest readings first, leaving those in flight; counts survive a reopen', async () => {
    const R = size(loneReading(1001));
    const max = 10 * R;
    const outbox = open(max);
    for (const n of range(1001, 1010)) await outbox.append('telemetry', [loneReading(n)]);
    const inFlight = await outbox.take(1); // 1001 is being sent: not evicted
    await outbox.append('telemetry', [loneReading(1011)]);
    // Down to 90 %: 9 rows. Nothing to thin (series of one), so 1002 and 1003 go.
    expect(await outbox.stats()).toMatchObject({ depth: 9, thinned_telemetry: 0, evicted_telemetry: 2, stored_bytes: 9 * R });
    await outbox.acknowledge(inFlight!.keys);
    expect(await storedIds(outbox)).toEqual(readingIds(range(1004, 1011)));

    await outbox.append('telemetry', [loneReading(1012), loneReading(1013)]); // 10 rows: at the budget
    await outbox.append('telemetry', [loneReading(1014)]); // over: 1004, 1005 go
    expect(await storedIds(outbox)).toEqual(readingIds(range(1006, 1014)));
    expect(logs.map((l) => [l.thinned, l.evicted])).toEqual([[0, 2], [0, 2]]);

    outbox.close();
    const reopened = open(max);
    // The newest reading dropped (1005) dates the gap the watermark passes over, across the reopen too.
    expect(await reopened.stats()).toMatchObject({ depth: 9, thinned_telemetry: 0, evicted_telemetry: 4, stored_bytes: 9 * R, telemetry_dropped_through: Date.parse(loneReading(1005).event_time) });
  });

  it('never evicts an alert or event: over the budget with no telemetry left, appends still succeed, one loud error', async () => {
    const R = size(seriesReading(1001));
    const outbox = open(5 * R);
    await outbox.append('telemetry', range(1001, 1004).map(seriesReading));
    const urgent: Item[] = [];
    for (const n of range(1001, 1020)) {
      const item = n % 2 ? alert(n) : event(n);
      urgent.push(item);
      if (n % 2) await outbox.append('alerts', [alert(n)]);
      else await outbox.append('events', [event(n)]);
    }
    const ids = await storedIds(outbox);
    expect(ids.filter((id) => !id.startsWith('reading'))).toEqual([...urgent.filter((i) => i.id.startsWith('alert')), ...urgent.filter((i) => i.id.startsWith('event'))].map((i) => i.id));
    expect(ids.filter((id) => id.startsWith('reading'))).toEqual([]);
    const stats = await outbox.stats();
    expect(stats.depth).toBe(20);
    expect((stats.thinned_telemetry ?? 0) + (stats.evicted_telemetry ?? 0)).toBe(4);
    expect(stats.stored_bytes).toBeGreaterThan(5 * R);
    expect(logs.filter((l) => l.level === 50)).toHaveLength(1);
    expect(logs.find((l) => l.level === 50)?.msg).toMatch(/OVER ITS DISK BUDGET/);
  });

  it('a sustained fill: alerts and events all remain, the budget holds, counts add up', async () => {
    const R = size(seriesReading(1001));
    const max = 60 * R;
    const outbox = open(max);
    const urgent: string[] = [];
    let readings = 0;
    for (let n = 1001; n <= 1600; n += 10) {
      await outbox.append('telemetry', range(n, n + 9).map(seriesReading));
      readings += 10;
      if (n % 100 === 1) {
        await outbox.append('alerts', [alert(n)]);
        await outbox.append('events', [event(n)]);
        urgent.push(alert(n).id, event(n).id);
      }
    }
    const stats = await outbox.stats();
    expect(stats.thinned_telemetry).toBeGreaterThan(0);
    expect(stats.evicted_telemetry).toBeGreaterThan(0);
    expect(stats.stored_bytes).toBeLessThanOrEqual(max);
    expect(stats.depth).toBe(urgent.length + readings - stats.thinned_telemetry! - stats.evicted_telemetry!);
    const ids = await storedIds(outbox);
    expect(new Set(ids.filter((id) => !id.startsWith('reading')))).toEqual(new Set(urgent));
    // The newest readings are all there; eviction took from the old end.
    expect(ids.slice(-2)).toEqual(readingIds([1599, 1600]));
    expect(ids).not.toContain(reading(1001).id);
    const logged = logs.filter((l) => l.level === 40);
    expect(logged.reduce((sum, l) => sum + l.thinned!, 0)).toBe(stats.thinned_telemetry);
    expect(logged.reduce((sum, l) => sum + l.evicted!, 0)).toBe(stats.evicted_telemetry);
  });
});
