import { describe, expect, it } from 'vitest';
import { AlertItemSchema, toWireTime, type AlertItem } from '../../../../../shared/contract/index.js';
import { stableId } from '../../../../../shared/ids.js';
import { createDefaultRules } from '../../../../../edge/rules/default-rules.js';
import type { EngineInput } from '../../../../../edge/rules/engine/engine-input.js';
import type { AlertChange, Rule, RuleContext } from '../../../../../edge/rules/rule.js';
import { MemoryRuleStateStore } from '../../../../../edge/rules/state/memory-rule-state-store.js';
import type { RuleStateChanges } from '../../../../../edge/rules/state/rule-state-store.js';
import { LIFT, METER, MINUTE, OPEN_AT_LANDING, SECOND, STOPPED_OUTSIDE_ZONE, T0, event, frame, liftFrame, memoryEngine } from '../../../../rules/engine/engine-harness.js';

/** A rule that notes every call and lets the test script what it does. */
function probe(id: string, script: Partial<Rule> = {}): Rule & { calls: string[] } {
  const calls: string[] = [];
  const note = (what: string, context: RuleContext): void => void calls.push(`${what}@${context.now - T0}`);
  return {
    id,
    calls,
    onStart: (devices, context) => (note(`start(${devices.length})`, context), script.onStart?.(devices, context) ?? []),
    onEvent: (e, context) => (note(`event(${e.type})`, context), script.onEvent?.(e, context) ?? []),
    onReadings: (f, context) => (note(`readings(${f.device_id})`, context), script.onReadings?.(f, context) ?? []),
    onAvailability: (device, availability, context) => (note(`availability(${device.id},${availability.online})`, context), script.onAvailability?.(device, availability, context) ?? []),
    onTimer: (key, context) => (note(`timer(${key})`, context), script.onTimer?.(key, context) ?? []),
  };
}

const raise = (context: RuleContext, id = 'x'): AlertChange => ({
  action: 'raise',
  subject: { kind: 'asset', id },
  category: 'lift_fault',
  severity: 'major',
  event_time: toWireTime(context.now),
  reason: { zh: '测试', en: 'test' },
  evidence: { at: context.now - T0 },
});

describe('rule engine: time', () => {
  it('fires due timers in (at, rule, key) order before a later input, each at its own time; those due at its instant after it', () => {
    const fired: string[] = [];
    const arm = (context: RuleContext): AlertChange[] => {
      context.setTimer('b', T0 + 10 * SECOND);
      context.setTimer('a', T0 + 10 * SECOND);
      context.setTimer('c', T0 + 5 * SECOND);
      return [];
    };
    const timer = (rule: string) => (key: string, context: RuleContext): AlertChange[] => (fired.push(`${rule}/${key}@${context.now - T0}`), []);
    const zulu = { id: 'zulu', onEvent: (_e: unknown, c: RuleContext) => arm(c), onTimer: timer('zulu') } as Rule;
    const alpha = { id: 'alpha', onEvent: (_e: unknown, c: RuleContext) => arm(c), onTimer: timer('alpha') } as Rule;
    const engine = memoryEngine({ rules: [zulu, alpha] });
    engine.onEvent(event(LIFT, T0, 'lift_power_lost'));
    expect(fired).toEqual([]);
    engine.onReadings(liftFrame(T0 + 10 * SECOND, OPEN_AT_LANDING));
    expect(fired).toEqual(['alpha/c@5000', 'zulu/c@5000']);
    engine.advanceTo(T0 + 10 * SECOND);
    expect(fired).toEqual(['alpha/c@5000', 'zulu/c@5000', 'alpha/a@10000', 'alpha/b@10000', 'zulu/a@10000', 'zulu/b@10000']);
  });

  it('fires a timer due exactly at an input after that input (its news first), and moves a timer when set again', () => {
    const rule = probe('probe', {
      onEvent: (_e, context) => {
        context.setTimer('t', T0 + 5 * SECOND);
        context.setTimer('t', T0 + 7 * SECOND);
        return [];
      },
    });
    const engine = memoryEngine({ rules: [rule] });
    engine.onEvent(event(LIFT, T0, 'lift_power_lost'));
    engine.advanceTo(T0 + 6 * SECOND);
    engine.onReadings(liftFrame(T0 + 7 * SECOND, OPEN_AT_LANDING));
    expect(rule.calls).toEqual(['start(3)@0', 'event(lift_power_lost)@0', 'readings(lift-b1-a)@7000']);
    engine.onReadings(liftFrame(T0 + 8 * SECOND, OPEN_AT_LANDING));
    expect(rule.calls).toEqual(['start(3)@0', 'event(lift_power_lost)@0', 'readings(lift-b1-a)@7000', 'timer(t)@7000', 'readings(lift-b1-a)@8000']);
  });

  it('handles a late input with its own time, without firing timers again or moving engine time back', () => {
    const rule = probe('probe', { onEvent: (_e, context) => (context.setTimer('t', context.now + 10 * SECOND), []) });
    const engine = memoryEngine({ rules: [rule] });
    engine.onEvent(event(LIFT, T0, 'lift_power_lost'));
    engine.advanceTo(T0 + MINUTE);
    expect(engine.time).toBe(T0 + MINUTE);
    // Data from before the outage arrives now: handled at its own time; its timer is due already
    // and fires at the next advance, at its due time.
    engine.onReadings(liftFrame(T0 + 20 * SECOND, OPEN_AT_LANDING));
    engine.onEvent(event(LIFT, T0 + 30 * SECOND, 'lift_power_restored'));
    expect(engine.time).toBe(T0 + MINUTE);
    engine.advanceTo(T0 + MINUTE + SECOND);
    expect(rule.calls).toEqual([
      'start(3)@0',
      'event(lift_power_lost)@0',
      'timer(t)@10000',
      'readings(lift-b1-a)@20000',
      'event(lift_power_restored)@30000',
      'timer(t)@40000',
    ]);
  });

  it('calls onStart once, at the first input, before timers loaded from the store fire', () => {
    const rule = probe('probe', { onEvent: (_e, context) => (context.setTimer('t', context.now + SECOND), []) });
    const store = new MemoryRuleStateStore();
    const first = memoryEngine({ rules: [rule], store });
    first.onEvent(event(LIFT, T0, 'lift_power_lost'));
    const again = memoryEngine({ rules: [rule], store });
    again.advanceTo(T0 + 5 * SECOND);
    again.advanceTo(T0 + 6 * SECOND);
    expect(rule.calls).toEqual(['start(3)@0', 'event(lift_power_lost)@0', 'start(3)@5000', 'timer(t)@1000']);
  });
});

describe('rule engine: episodes and alert items', () => {
  it('derives episode and alert ids from rule, subject, raise time and revision', () => {
    const engine = memoryEngine({ rules: [probe('probe', { onEvent: (_e, context) => [raise(context)] })] });
    const [raised] = engine.onEvent(event(LIFT, T0, 'lift_power_lost'));
    const [updated] = engine.onEvent(event(LIFT, T0 + SECOND, 'lift_power_lost'));
    const episodeId = stableId('probe', 'asset', 'x', T0);
    expect(raised).toMatchObject({ episode_id: episodeId, id: stableId(episodeId, 1), revision: 1, state: 'raised' });
    // A raise while the episode is open is an update of it: never two episodes at once.
    expect(updated).toMatchObject({ episode_id: episodeId, id: stableId(episodeId, 2), revision: 2, state: 'updated', evidence: { at: 1000 } });
    for (const alert of [raised, updated]) AlertItemSchema.parse(alert);
  });

  it('drops an update or clear without an open episode, and an invalid alert, and keeps going', () => {
    const rule = probe('probe', {
      onEvent: (e, context) => {
        if (e.type === 'lift_power_lost') return [{ action: 'clear', subject: { kind: 'asset', id: 'x' }, event_time: toWireTime(context.now), evidence: {} }];
        return [{ ...raise(context), reason: { zh: '', en: '' } }, raise(context, 'y')];
      },
    });
    const engine = memoryEngine({ rules: [rule] });
    expect(engine.onEvent(event(LIFT, T0, 'lift_power_lost'))).toEqual([]);
    const alerts = engine.onEvent(event(LIFT, T0 + SECOND, 'lift_power_restored'));
    expect(alerts.map((a) => a.subject.id)).toEqual(['y']);
    expect(engine.activeEpisodes().map((e) => e.subject.id)).toEqual(['y']);
  });

  it('contains a failing rule: its changes for the input are undone and the other rules still run', () => {
    const failing: Rule = {
      id: 'failing',
      onEvent(_e, context) {
        context.setState('k', 'half-done');
        context.setTimer('t', context.now + SECOND);
        throw new Error('bug in a rule');
      },
    };
    const fine = probe('fine', { onEvent: (_e, context) => [raise(context)] });
    const data = new MemoryRuleStateStore();
    const engine = memoryEngine({ rules: [failing, fine], store: data });
    const alerts = engine.onEvent(event(LIFT, T0, 'lift_power_lost'));
    expect(alerts.map((a) => a.rule)).toEqual(['fine']);
    const snapshot = data.load();
    expect(snapshot.states).toEqual([]);
    expect(snapshot.timers).toEqual([]);
  });

  it('undoes only the failing call: what earlier calls of the rule set stays, once or many times over', () => {
    let calls = 0;
    const sometimesFailing: Rule = {
      id: 'sometimes_failing',
      onEvent(_e, context) {
        calls += 1;
        context.setState('count', calls);
        context.setState(`call:${calls}`, { at: context.now });
        context.setTimer('t', context.now + calls * SECOND);
        if (calls % 3 === 0) throw new Error('bug in a rule');
        return [];
      },
    };
    const data = new MemoryRuleStateStore();
    const engine = memoryEngine({ rules: [sometimesFailing], store: data });
    for (let input = 0; input < 7; input++) engine.onEvent(event(LIFT, T0 + input * SECOND, 'lift_power_lost'));
    const snapshot = data.load();
    // Calls 3 and 6 failed: call 7 is the last that stands, and nothing of 3 or 6 is left.
    expect(Object.fromEntries(snapshot.states.map(({ key, value }) => [key, value]))).toEqual({
      count: 7,
      'call:1': { at: T0 },
      'call:2': { at: T0 + SECOND },
      'call:4': { at: T0 + 3 * SECOND },
      'call:5': { at: T0 + 4 * SECOND },
      'call:7': { at: T0 + 6 * SECOND },
    });
    expect(snapshot.timers).toEqual([{ rule: 'sometimes_failing', key: 't', at: T0 + 6 * SECOND + 7 * SECOND }]);
  });

  it('refuses state a store could not keep, inside the rule call', () => {
    const rule: Rule = { id: 'bad_state', onEvent: (_e, context) => (context.setState('k', () => 1), [raise(context)]) };
    const engine = memoryEngine({ rules: [rule] });
    expect(engine.onEvent(event(LIFT, T0, 'lift_power_lost'))).toEqual([]);
  });

  it('refuses two rules with one id', () => {
    expect(() => memoryEngine({ rules: [probe('same'), probe('same')] })).toThrow(/same/);
  });
});

describe('rule engine: devices and commits', () => {
  it('tells rules about availability of known devices, and keeps offline-since across a restart', () => {
    const rule = probe('probe');
    const store = new MemoryRuleStateStore();
    const engine = memoryEngine({ rules: [rule], store });
    engine.onAvailability(METER.id, { online: false, reason: 'no_response' }, T0);
    engine.onAvailability(METER.id, { online: false, reason: 'bus_unavailable' }, T0 + SECOND);
    engine.onAvailability('no-such-device', { online: false, reason: 'no_response' }, T0 + SECOND);
    expect(rule.calls).toEqual(['start(3)@0', 'availability(meter-1203,false)@0', 'availability(meter-1203,false)@1000']);
    let offlineSince: number | undefined;
    const reader = probe('reader', { onEvent: (_e, context) => ((offlineSince = context.devices.offlineSince(METER.id)), []) });
    const restarted = memoryEngine({ rules: [reader], store });
    restarted.onEvent(event(LIFT, T0 + 2 * SECOND, 'lift_power_lost'));
    expect(offlineSince).toBe(T0);
    restarted.onAvailability(METER.id, { online: true }, T0 + 3 * SECOND);
    restarted.onEvent(event(LIFT, T0 + 4 * SECOND, 'lift_power_lost'));
    expect(offlineSince).toBeUndefined();
  });

  it('lists the devices of a subject', () => {
    let about: string[] = [];
    const rule = probe('probe', { onEvent: (_e, context) => ((about = context.devices.about(METER.subject).map((d) => d.id)), []) });
    memoryEngine({ rules: [rule] }).onEvent(event(LIFT, T0, 'lift_power_lost'));
    expect(about).toEqual([METER.id]);
  });

  it('commits a batch once, and nothing when nothing changed', () => {
    const commits: RuleStateChanges[] = [];
    const store = new MemoryRuleStateStore();
    const counting = { load: () => store.load(), commit: (c: RuleStateChanges) => (commits.push(c), store.commit(c)), close: () => store.close() };
    const engine = memoryEngine({ rules: createDefaultRules(), store: counting, autoCommit: false });
    const inputs: EngineInput[] = Array.from({ length: 10 }, (_, i) => ({ kind: 'readings', frame: frame(METER, T0 + i * 30 * SECOND, { active_power: 0.2 }) }));
    // The gateway's tick after the last frame: a timer due at that frame's instant fires after it.
    engine.handleBatch([...inputs, { kind: 'tick', at: toWireTime(T0 + 270 * SECOND) }]);
    expect(commits).toHaveLength(1);
    engine.commit();
    engine.handleBatch([{ kind: 'tick', at: toWireTime(T0 + 301 * SECOND) }]);
    expect(commits).toHaveLength(1);
  });
});

describe('rule engine: determinism', () => {
  it('gives identical alert items for the same inputs, batched or one by one', () => {
    const inputs: EngineInput[] = [
      { kind: 'readings', frame: liftFrame(T0, STOPPED_OUTSIDE_ZONE) },
      { kind: 'event', item: event(LIFT, T0 + 3 * SECOND, 'lift_alarm_button') },
      { kind: 'event', item: event(LIFT, T0 + 4 * SECOND, 'lift_fault', { fault: 'stopped_outside_door_zone', vendor_code: 4 }) },
      { kind: 'readings', frame: frame(METER, T0 + 5 * SECOND, { active_power: 0.3 }) },
      { kind: 'tick', at: toWireTime(T0 + 20 * SECOND) },
      { kind: 'readings', frame: liftFrame(T0 + 40 * SECOND, OPEN_AT_LANDING) },
      { kind: 'event', item: event(LIFT, T0 + 41 * SECOND, 'lift_fault_cleared', { fault: 'stopped_outside_door_zone', vendor_code: 4 }) },
      { kind: 'tick', at: toWireTime(T0 + 10 * MINUTE) },
    ];
    const run = (batched: boolean): AlertItem[] => {
      const engine = memoryEngine({ rules: createDefaultRules(), autoCommit: !batched });
      if (batched) return engine.handleBatch(inputs);
      return inputs.flatMap((input) => engine.handleBatch([input]));
    };
    const first = run(true);
    expect(first.map((a) => `${a.event_time.slice(11, 19)} ${a.state} ${a.rule} ${a.subject.id}`)).toEqual([
      '08:00:03 raised lift_entrapment lift-b1-a',
      '08:00:09 raised lift_fault lift-b1-a',
      '08:00:15 updated lift_entrapment lift-b1-a',
      '08:00:40 cleared lift_entrapment lift-b1-a',
      '08:00:41 cleared lift_fault lift-b1-a',
      '08:01:35 raised device_offline meter-1203',
    ]);
    expect(run(true)).toEqual(first);
    expect(run(false)).toEqual(first);
  });
});
