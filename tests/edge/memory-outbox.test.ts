import { describe, expect, it } from 'vitest';
import type { AlertItem, EventItem, ReadingItem } from '../../shared/contract/index.js';
import { ManualClock } from '../../shared/time/clock.js';
import { MemoryOutbox } from '../../edge/outbox/memory-outbox.js';
import { watermarkOf } from '../../edge/uplink/status-reporter.js';
import { T0 } from './edge-fixtures.js';

const at = (ms: number) => new Date(T0 + ms).toISOString();
const reading = (n: number): ReadingItem => ({ id: `reading-${n}`, device_id: 'lift-1', point: 'car_position', value: n, unit: 'floor', event_time: at(n) });
const event = (n: number): EventItem => ({ id: `event-0${n}`, device_id: 'lift-1', subject: { kind: 'asset', id: 'lift-1' }, type: 'lift_alarm_button', event_time: at(n), attributes: {} });
const alert = (n: number): AlertItem => ({
  id: `alert-0${n}`,
  episode_id: 'episode-1',
  revision: 1,
  rule: 'lift_alarm_button',
  subject: { kind: 'asset', id: 'lift-1' },
  category: 'lift_entrapment',
  severity: 'critical',
  state: 'raised',
  event_time: at(n),
  reason: { zh: '困人', en: 'trapped' },
  evidence: {},
});

describe('memory outbox', () => {
  it('drains alerts before events before telemetry, oldest first within a channel', async () => {
    const outbox = new MemoryOutbox(new ManualClock(T0));
    await outbox.append('telemetry', [reading(1), reading(2)]);
    await outbox.append('events', [event(3)]);
    await outbox.append('alerts', [alert(4)]);
    const order: string[] = [];
    for (let batch = await outbox.take(10); batch; batch = await outbox.take(10)) {
      order.push(`${batch.channel}:${batch.items.map((i) => i.id).join(',')}`);
      await outbox.acknowledge(batch.keys);
    }
    expect(order).toEqual(['alerts:alert-04', 'events:event-03', 'telemetry:reading-1,reading-2']);
    expect((await outbox.stats()).depth).toBe(0);
  });

  it('keeps items until acknowledged, does not hand out what is in flight, and hands released items out again', async () => {
    const outbox = new MemoryOutbox(new ManualClock(T0));
    await outbox.append('telemetry', [reading(1), reading(2), reading(3)]);
    const first = await outbox.take(2);
    expect(first?.items.map((i) => i.id)).toEqual(['reading-1', 'reading-2']);
    expect((await outbox.take(2))?.items.map((i) => i.id)).toEqual(['reading-3']);
    expect(await outbox.take(2)).toBeNull();
    await outbox.release(first!.keys);
    const again = await outbox.take(5);
    expect(again?.items.map((i) => i.id)).toEqual(['reading-1', 'reading-2']);
    expect((await outbox.stats()).depth).toBe(3);
    await outbox.acknowledge(again!.keys);
    await outbox.acknowledge(again!.keys);
    expect((await outbox.stats()).depth).toBe(1);
  });

  it('reports depth, oldest append and the watermark', async () => {
    const clock = new ManualClock(T0);
    const outbox = new MemoryOutbox(clock);
    expect(watermarkOf(await outbox.stats())).toBeNull();
    await outbox.append('events', [event(5000)]);
    clock.advance(1000);
    await outbox.append('telemetry', [reading(9000)]);
    const batch = await outbox.take(1);
    await outbox.acknowledge(batch!.keys);
    const stats = await outbox.stats();
    expect(stats).toMatchObject({ depth: 1, oldest_appended_at: T0 + 1000 });
    expect(watermarkOf(stats)).toBe(at(8999));
    await outbox.acknowledge((await outbox.take(1))!.keys);
    expect(watermarkOf(await outbox.stats())).toBe(at(9000));
  });
});
