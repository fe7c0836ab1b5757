import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../shared/time/clock.js';
import { MemoryOutbox } from '../../../../edge/outbox/memory-outbox.js';
import { watermarkOf } from '../../../../edge/uplink/status-reporter.js';
import { at, event, reading, T0 } from '../../../outbox/outbox-fixtures.js';

// What every outbox does (order, in flight, release, stats) is the contract suite of tests/outbox,
// run against the memory outbox too; here, the status watermark read from an outbox's stats.
describe('status watermark over an outbox', () => {
  it('is null before a delivery, then just before the earliest pending event, then the latest delivered', async () => {
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
