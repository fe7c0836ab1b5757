import { beforeEach, describe, expect, it } from 'vitest';
import { AlertItemSchema, toWireTime, type AlertItem } from '../../../../../shared/contract/index.js';
import { mapPayload } from '../../../../../edge/drivers/mqtt/payload-mapper.js';
import { createDefaultRules } from '../../../../../edge/rules/default-rules.js';
import type { RuleEngine } from '../../../../../edge/rules/rule-engine.js';
import { LIFT, T0, bytes, shippedProfile } from '../../../../edge/edge-fixtures.js';
import { memoryEngine } from '../../../../rules/engine/engine-harness.js';

const lift = shippedProfile('lift_monitor_gbt24476');
let seq = 0;

/** Feeds one device payload of the lift, at T0 + offsetMs, through the real mapper and the engine. */
function feed(engine: RuleEngine, offsetMs: number, fields: Record<string, unknown>): AlertItem[] {
  const result = mapPayload(lift, LIFT, bytes({ time: toWireTime(T0 + offsetMs), seq: seq++, ...fields }), T0 + offsetMs);
  if (!result.ok) throw new Error(result.problem.message);
  const alerts = result.events.flatMap((event) => engine.onEvent(event));
  if (result.frame) alerts.push(...engine.onReadings(result.frame));
  for (const alert of alerts) AlertItemSchema.parse(alert);
  return alerts.filter((alert) => alert.rule === 'lift_entrapment');
}

// Device values (device-profiles/README.md): door_zone 1 in / 2 not, door_status 1 closed-locked / 2 not,
// passenger_status 1 occupied / 2 empty.
const STUCK = { car_status: 0, door_zone: 2, door_status: 1, passenger_status: 1, car_position: 7 };
const OPEN_AT_LANDING = { car_status: 0, door_zone: 1, door_status: 2, passenger_status: 1, car_position: 7 };
const PRESS = { event_code: 90 };

/** The alarm button (event 90) as one signal of the lift_entrapment rule (ported from the v1 rule). */
describe('lift alarm button', () => {
  let engine: RuleEngine;
  beforeEach(() => {
    engine = memoryEngine({ rules: createDefaultRules() });
  });

  it('raises a critical lift_entrapment alert on the lift when the button is pressed', () => {
    feed(engine, 0, STUCK);
    const [alert, ...rest] = feed(engine, 1000, PRESS);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({
      rule: 'lift_entrapment',
      subject: { kind: 'asset', id: LIFT.id },
      category: 'lift_entrapment',
      severity: 'critical',
      state: 'raised',
      revision: 1,
      event_time: '2026-11-24T08:00:01.000Z',
      evidence: { trigger: 'alarm_button', press_count: 1, device_id: LIFT.id, first_pressed_at: '2026-11-24T08:00:01.000Z' },
    });
    expect(alert?.reason.zh).toBe(`电梯 ${LIFT.id} 报警按钮被按下，可能有乘客被困`);
    expect(alert?.reason.en).toBe(`Alarm button pressed in lift ${LIFT.id}: a passenger may be trapped`);
  });

  it('updates the same episode on a second press, counting presses, and never raises twice', () => {
    const [raised] = feed(engine, 0, PRESS);
    expect(feed(engine, 2000, STUCK)).toEqual([]);
    const [updated] = feed(engine, 5000, PRESS);
    expect(updated).toMatchObject({ state: 'updated', revision: 2, episode_id: raised?.episode_id, evidence: { press_count: 2 } });
    expect(updated?.reason.en).toBe(`Alarm button pressed 2 times in lift ${LIFT.id}: a passenger may be trapped`);
    expect(updated?.id).not.toBe(raised?.id);
    expect(engine.activeEpisodes().filter((e) => e.rule === 'lift_entrapment')).toHaveLength(1);
  });

  it('clears when the lift stands at a landing with its doors open; the stop timer updated it meanwhile', () => {
    const [raised] = feed(engine, 0, PRESS);
    expect(feed(engine, 2000, STUCK)).toEqual([]);
    const [stillStuck, cleared] = feed(engine, 30_000, OPEN_AT_LANDING);
    // Stopped outside the door zone since 2 s: at 17 s that is an entrapment of its own, the same episode.
    expect(stillStuck).toMatchObject({ state: 'updated', revision: 2, event_time: '2026-11-24T08:00:17.000Z', evidence: { stop: 'outside_door_zone', stopped_s: 15, press_count: 1 } });
    expect(cleared).toMatchObject({
      state: 'cleared',
      revision: 3,
      episode_id: raised?.episode_id,
      evidence: { cleared_by: 'doors_open_in_door_zone', press_count: 1 },
    });
    expect(engine.activeEpisodes().filter((e) => e.rule === 'lift_entrapment')).toEqual([]);
    expect(feed(engine, 31_000, OPEN_AT_LANDING)).toEqual([]);
  });

  it('clears when the car is reported empty', () => {
    feed(engine, 0, PRESS);
    const [cleared] = feed(engine, 10_000, { ...STUCK, passenger_status: 2 });
    expect(cleared).toMatchObject({ state: 'cleared', evidence: { cleared_by: 'car_empty' } });
  });

  it('clears when the monitor recovers fault 11 passenger_trapped, not on another fault', () => {
    feed(engine, 0, PRESS);
    expect(feed(engine, 5000, { fault_code: 4, fault_active: 0 })).toEqual([]);
    const [cleared] = feed(engine, 6000, { fault_code: 11, fault_active: 0 });
    expect(cleared).toMatchObject({ state: 'cleared', evidence: { cleared_by: 'passenger_trapped_cleared' } });
  });

  it('does not clear on a sample from the instant of the press or before it', () => {
    feed(engine, 10_000, PRESS);
    expect(feed(engine, 10_000, OPEN_AT_LANDING)).toEqual([]);
    expect(feed(engine, 9_000, OPEN_AT_LANDING)).toEqual([]);
    expect(engine.activeEpisodes().filter((e) => e.rule === 'lift_entrapment')).toHaveLength(1);
  });

  it('opens a new episode on a press after the previous one cleared', () => {
    const [first] = feed(engine, 0, PRESS);
    feed(engine, 1000, OPEN_AT_LANDING);
    const [second] = feed(engine, 60_000, PRESS);
    expect(second).toMatchObject({ state: 'raised', revision: 1 });
    expect(second?.episode_id).not.toBe(first?.episode_id);
  });

  it('does nothing for readings without an open episode', () => {
    expect(feed(engine, 0, OPEN_AT_LANDING)).toEqual([]);
    expect(feed(engine, 1000, { fault_code: 11, fault_active: 0 })).toEqual([]);
  });
});
