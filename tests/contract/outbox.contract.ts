import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/time/clock.js';
import type { Outbox, OutboxBatch } from '../../edge/outbox/outbox.js';
import { alert, event, reading, T0 } from '../outbox/outbox-fixtures.js';

export interface OutboxUnderTest {
  outbox: Outbox;
  cleanup(): Promise<void> | void;
}

const ids = (batch: OutboxBatch | null): string[] => batch?.items.map((item) => item.id) ?? [];

/**
 * What every Outbox must do (edge/outbox/outbox.ts: write before send, delete on acknowledgement,
 * replay what was in flight, never drop while unacknowledged). Run against each implementation.
 */
export function describeOutboxContract(name: string, open: (clock: ManualClock) => Promise<OutboxUnderTest>): void {
  describe(`outbox contract: ${name}`, () => {
    let clock: ManualClock;
    let subject: OutboxUnderTest;
    let outbox: Outbox;

    beforeEach(async () => {
      clock = new ManualClock(T0);
      subject = await open(clock);
      outbox = subject.outbox;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('is empty at first: take gives null, stats are empty', async () => {
      expect(await outbox.take(10)).toBeNull();
      expect(await outbox.stats()).toEqual({ depth: 0, oldest_appended_at: null, earliest_pending_event_time: null, latest_acknowledged_event_time: null });
      await outbox.append('alerts', []);
      expect((await outbox.stats()).depth).toBe(0);
    });

    it('drains alerts before events before telemetry, oldest first within a channel', async () => {
      await outbox.append('telemetry', [reading(1), reading(2)]);
      await outbox.append('events', [event(3)]);
      await outbox.append('alerts', [alert(4)]);
      await outbox.append('telemetry', [reading(5)]);
      await outbox.append('events', [event(6)]);
      await outbox.append('alerts', [alert(7)]);
      const order: string[] = [];
      for (let batch = await outbox.take(10); batch; batch = await outbox.take(10)) {
        order.push(`${batch.channel}:${ids(batch).join(',')}`);
        await outbox.acknowledge(batch.keys);
      }
      expect(order).toEqual([
        'alerts:alert-00000004,alert-00000007',
        'events:event-00000003,event-00000006',
        'telemetry:reading-00000001,reading-00000002,reading-00000005',
      ]);
      expect((await outbox.stats()).depth).toBe(0);
    });

    it('returns a batch of one channel only, at most maxItems long', async () => {
      await outbox.append('alerts', [alert(1), alert(2), alert(3)]);
      await outbox.append('events', [event(4)]);
      const first = await outbox.take(2);
      expect(first?.channel).toBe('alerts');
      expect(ids(first)).toEqual(['alert-00000001', 'alert-00000002']);
      expect(first?.keys).toHaveLength(2);
      expect(ids(await outbox.take(5))).toEqual(['alert-00000003']);
      expect((await outbox.take(5))?.channel).toBe('events');
    });

    it('hands the items back as appended', async () => {
      const item = alert(1);
      await outbox.append('alerts', [item]);
      expect((await outbox.take(1))?.items).toEqual([item]);
    });

    it('does not hand out what is in flight until it is released', async () => {
      await outbox.append('telemetry', [reading(1), reading(2), reading(3)]);
      const first = await outbox.take(2);
      expect(ids(first)).toEqual(['reading-00000001', 'reading-00000002']);
      expect(ids(await outbox.take(2))).toEqual(['reading-00000003']);
      expect(await outbox.take(2)).toBeNull();
      expect((await outbox.stats()).depth).toBe(3);
    });

    it('release puts items back in line, ahead of newer ones of their channel', async () => {
      await outbox.append('telemetry', [reading(1), reading(2)]);
      const first = await outbox.take(2);
      await outbox.append('telemetry', [reading(3)]);
      await outbox.release(first!.keys);
      await outbox.release(first!.keys); // twice: no effect
      expect(ids(await outbox.take(10))).toEqual(['reading-00000001', 'reading-00000002', 'reading-00000003']);
      expect(await outbox.take(10)).toBeNull();
    });

    it('a released alert still goes before waiting telemetry', async () => {
      await outbox.append('alerts', [alert(1)]);
      const sent = await outbox.take(10);
      await outbox.append('telemetry', [reading(2)]);
      await outbox.release(sent!.keys);
      expect(ids(await outbox.take(10))).toEqual(['alert-00000001']);
    });

    it('acknowledge is idempotent and ignores unknown keys', async () => {
      await outbox.append('events', [event(1), event(2)]);
      const batch = await outbox.take(1);
      await outbox.acknowledge(batch!.keys);
      await outbox.acknowledge(batch!.keys);
      await outbox.acknowledge([987_654_321]);
      await outbox.acknowledge([]);
      expect((await outbox.stats()).depth).toBe(1);
      expect(ids(await outbox.take(10))).toEqual(['event-00000002']);
      await outbox.release(batch!.keys); // releasing an acknowledged key brings nothing back
      expect(await outbox.take(10)).toBeNull();
    });

    it('an item acknowledged after it was released is not handed out again', async () => {
      await outbox.append('alerts', [alert(1)]);
      const batch = await outbox.take(1);
      await outbox.release(batch!.keys);
      await outbox.acknowledge(batch!.keys); // a late PUBACK
      expect(await outbox.take(1)).toBeNull();
      expect((await outbox.stats()).depth).toBe(0);
    });

    it('reports depth, oldest append, earliest pending event time and the acknowledged watermark', async () => {
      await outbox.append('events', [event(1, 5000)]);
      clock.advance(1000);
      await outbox.append('telemetry', [reading(2, 9000), reading(3, 4000)]);
      expect(await outbox.stats()).toEqual({ depth: 3, oldest_appended_at: T0, earliest_pending_event_time: T0 + 4000, latest_acknowledged_event_time: null });
      await outbox.acknowledge((await outbox.take(1))!.keys); // the event
      expect(await outbox.stats()).toEqual({ depth: 2, oldest_appended_at: T0 + 1000, earliest_pending_event_time: T0 + 4000, latest_acknowledged_event_time: T0 + 5000 });
      await outbox.acknowledge((await outbox.take(1))!.keys); // reading at 9000
      await outbox.acknowledge((await outbox.take(1))!.keys); // reading at 4000: the watermark never goes back
      expect(await outbox.stats()).toEqual({ depth: 0, oldest_appended_at: null, earliest_pending_event_time: null, latest_acknowledged_event_time: T0 + 9000 });
    });

    it('in-flight items count in depth and stats until acknowledged', async () => {
      await outbox.append('alerts', [alert(1, 100)]);
      await outbox.take(1);
      expect(await outbox.stats()).toMatchObject({ depth: 1, oldest_appended_at: T0, earliest_pending_event_time: T0 + 100 });
    });

    it('never drops: 10,000 items appended concurrently, taken and acknowledged, all arrive once', async () => {
      const appends: Array<Promise<void>> = [];
      for (let n = 0; n < 10_000; n += 100) {
        const items = Array.from({ length: 100 }, (_, i) => n + i);
        if (n % 1000 === 0) appends.push(outbox.append('alerts', items.map((k) => alert(k))));
        else if (n % 300 === 0) appends.push(outbox.append('events', items.map((k) => event(k))));
        else appends.push(outbox.append('telemetry', items.map((k) => reading(k))));
      }
      await Promise.all(appends);
      expect((await outbox.stats()).depth).toBe(10_000);
      const seen = new Set<string>();
      let round = 0;
      for (let batch = await outbox.take(200); batch; batch = await outbox.take(200)) {
        // Every third batch fails and is released, as after a lost connection.
        if (++round % 3 === 0) {
          await outbox.release(batch.keys);
          continue;
        }
        for (const id of ids(batch)) seen.add(id);
        await outbox.acknowledge(batch.keys);
      }
      expect(seen.size).toBe(10_000);
      expect((await outbox.stats()).depth).toBe(0);
    });
  });
}
