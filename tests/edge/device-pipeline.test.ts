import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toWireTime, type AlertItem, type EventItem } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { ManualClock } from '../../shared/time/clock.js';
import { DurableOutbox } from '../../edge/outbox/durable-outbox.js';
import { DevicePipeline } from '../../edge/pipeline/device-pipeline.js';
import { createDefaultRules } from '../../edge/rules/default-rules.js';
import { RuleEngine } from '../../edge/rules/rule-engine.js';
import { MemoryRuleStateStore } from '../../edge/rules/state/memory-rule-state-store.js';
import { LIFT, T0, tempDataDir } from './edge-fixtures.js';

const press: EventItem = { id: 'press-0000-0001', device_id: LIFT.id, subject: LIFT.subject, type: 'lift_alarm_button', event_time: toWireTime(T0), attributes: {} };

/** Everything in the outbox, by channel. */
async function contents(outbox: DurableOutbox): Promise<{ alerts: AlertItem[]; events: EventItem[] }> {
  const found = { alerts: [] as AlertItem[], events: [] as EventItem[] };
  for (let batch = await outbox.take(1000); batch; batch = await outbox.take(1000)) {
    if (batch.channel === 'alerts') found.alerts.push(...batch.items);
    if (batch.channel === 'events') found.events.push(...batch.items);
  }
  return found;
}

/**
 * The pipeline tells a driver its data is delivered (settled()) only once it is in the outbox: a
 * device's PUBACK waits on it (edge/drivers/mqtt/mqtt-driver.ts), so an append that fails must not
 * be acknowledged, or the device forgets a message the gateway never stored.
 */
describe('device pipeline: appends to the outbox', () => {
  const clock = new ManualClock(T0);
  let outbox: DurableOutbox | null = null;
  afterEach(async () => {
    await outbox?.stop();
    outbox = null;
  });

  it('does not settle what it could not append, and appends the kept alert and event again at the next tick', async () => {
    // Not started: every append is refused, as a failing disk refuses it.
    outbox = new DurableOutbox(join(tempDataDir(), 'outbox.sqlite'), clock);
    const engine = new RuleEngine({ rules: createDefaultRules(), store: new MemoryRuleStateStore(), devices: [], logger: silentLogger(), autoCommit: false, keepUnsent: true });
    const pipeline = new DevicePipeline({ engine, clock, outbox, onAppended: () => undefined, onAlert: () => undefined, logger: silentLogger() });

    pipeline.event(press);
    await expect(pipeline.settled()).rejects.toThrow(/not delivered/);
    expect(engine.unsent().map((unsent) => unsent.channel)).toEqual(['alerts', 'events']);

    await outbox.start();
    clock.advance(1000);
    pipeline.tick(clock.now());
    await expect(pipeline.settled()).resolves.toBeUndefined();
    expect(engine.unsent()).toEqual([]);
    const stored = await contents(outbox);
    expect(stored.alerts.map((alert) => [alert.rule, alert.state])).toEqual([['lift_entrapment', 'raised']]);
    expect(stored.events.map((event) => event.id)).toEqual([press.id]);
  });
});

describe('device pipeline: observers', () => {
  let outboxUnderTest: DurableOutbox | null = null;
  afterEach(async () => {
    await outboxUnderTest?.stop();
    outboxUnderTest = null;
  });

  it('see each event and frame with the time the pipeline judged, the one its outbox items carry', async () => {
    const clock = new ManualClock(T0);
    outboxUnderTest = new DurableOutbox(join(tempDataDir(), 'outbox.sqlite'), clock);
    await outboxUnderTest.start();
    const engine = new RuleEngine({ rules: createDefaultRules(), store: new MemoryRuleStateStore(), devices: [], logger: silentLogger(), autoCommit: false, keepUnsent: true });
    const seen: Array<{ id: string; event_time: string; attributes?: Record<string, unknown> }> = [];
    const observer = { event: (event: EventItem) => seen.push(event), readings: () => undefined };
    const pipeline = new DevicePipeline({ engine, clock, outbox: outboxUnderTest, onAppended: () => undefined, onAlert: () => undefined, logger: silentLogger(), observers: [observer] });

    // A monitor 1 s fast sends two presses 1 ms apart by its clock, read at one instant: they keep
    // their order (T0, T0 + 1). One an hour fast has its clock disbelieved: the receive time.
    const at = (id: string, ms: number): EventItem => ({ ...press, id, event_time: toWireTime(ms) });
    pipeline.event(at('press-fast-1', T0 + 1000));
    pipeline.event(at('press-fast-2', T0 + 1001));
    pipeline.event(at('press-wrong-clock', T0 + 3_600_000));
    await pipeline.settled();

    expect(seen.map((event) => [event.id, Date.parse(event.event_time) - T0])).toEqual([
      ['press-fast-1', 0],
      ['press-fast-2', 1],
      ['press-wrong-clock', 0],
    ]);
    expect(seen[2]!.attributes).toMatchObject({ device_clock_offset_s: 3600 });
    const stored = await contents(outboxUnderTest);
    expect(stored.events.map((event) => [event.id, event.event_time])).toEqual(seen.map((event) => [event.id, event.event_time]));
  });
});
