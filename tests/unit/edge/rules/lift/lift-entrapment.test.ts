import { describe, expect, it } from 'vitest';
import type { AlertItem } from '../../../../../shared/contract/index.js';
import { createLiftEntrapmentRule } from '../../../../../edge/rules/lift/lift-entrapment.js';
import type { RuleEngine } from '../../../../../edge/rules/rule-engine.js';
import type { ReadingFrame } from '../../../../../edge/model/device-data.js';
import {
  LIFT,
  OPEN_AT_LANDING,
  RUNNING,
  SECOND,
  STOPPED_IN_ZONE_CLOSED,
  STOPPED_OUTSIDE_ZONE,
  T0,
  brief,
  event,
  liftFrame,
  memoryEngine,
  rulesConfig,
  type LiftValues,
} from '../../../../rules/engine/engine-harness.js';

/** A status frame every second from `from` to `to` seconds after T0 (the monitor's usual rate). */
function frames(from: number, to: number, values: LiftValues): ReadingFrame[] {
  return Array.from({ length: to - from + 1 }, (_, i) => liftFrame(T0 + (from + i) * SECOND, values));
}

function run(engine: RuleEngine, inputs: ReadingFrame[]): AlertItem[] {
  return inputs.flatMap((f) => engine.onReadings(f));
}

const engineWith = (config?: unknown) => memoryEngine({ rules: [createLiftEntrapmentRule()], ...(config ? { config: rulesConfig(config) } : {}) });

describe('lift entrapment from status frames', () => {
  it('raises at exactly 15 s stopped outside the door zone with someone inside, and clears at the landing', () => {
    const engine = engineWith();
    const alerts = run(engine, [...frames(0, 10, RUNNING), ...frames(11, 40, STOPPED_OUTSIDE_ZONE), ...frames(41, 45, RUNNING), ...frames(46, 50, OPEN_AT_LANDING)]);
    expect(brief(alerts)).toEqual(['08:00:26.000 raised lift_entrapment lift-b1-a', '08:00:46.000 cleared lift_entrapment lift-b1-a']);
    expect(alerts[0]).toMatchObject({
      category: 'lift_entrapment',
      severity: 'critical',
      subject: { kind: 'asset', id: LIFT.id },
      evidence: { trigger: 'stopped_outside_door_zone', stop: 'outside_door_zone', stopped_since: '2026-11-24T08:00:11.000Z', stopped_s: 15, floor: 7, device_id: LIFT.id },
      reason: {
        zh: '电梯 lift-b1-a 停在门区外（7 层附近）已 15 秒，轿厢内有人，可能有乘客被困',
        en: 'Lift lift-b1-a has stood outside the door zone near floor 7 for 15 s with someone inside: a passenger may be trapped',
      },
    });
    expect(alerts[1]).toMatchObject({ revision: 2, evidence: { cleared_by: 'doors_open_in_door_zone' } });
  });

  it('raises at exactly 60 s stopped in the door zone with the doors closed and someone inside', () => {
    const engine = engineWith();
    const alerts = run(engine, [...frames(0, 5, OPEN_AT_LANDING), ...frames(6, 70, STOPPED_IN_ZONE_CLOSED)]);
    expect(brief(alerts)).toEqual(['08:01:06.000 raised lift_entrapment lift-b1-a']);
    expect(alerts[0]?.reason.en).toBe('Lift lift-b1-a has stood at floor 7 with its doors closed for 60 s with someone inside: a passenger may be trapped');
    expect(alerts[0]?.evidence).toMatchObject({ stop: 'in_door_zone_doors_closed', stopped_s: 60 });
  });

  it('raises when time passes with no frame at all (the monitor went quiet during the stop)', () => {
    const engine = engineWith();
    engine.onReadings(liftFrame(T0, STOPPED_OUTSIDE_ZONE));
    expect(engine.advanceTo(T0 + 14_999)).toEqual([]);
    expect(brief(engine.advanceTo(T0 + 15 * SECOND))).toEqual(['08:00:15.000 raised lift_entrapment lift-b1-a']);
  });

  it('raises nothing for a short stop between floors that resolves in 10 s', () => {
    const engine = engineWith();
    expect(run(engine, [...frames(0, 10, STOPPED_OUTSIDE_ZONE), ...frames(11, 60, RUNNING), ...frames(61, 70, OPEN_AT_LANDING)])).toEqual([]);
    expect(engine.advanceTo(T0 + 600 * SECOND)).toEqual([]);
  });

  it('raises nothing for an empty car stopped anywhere, or for a car standing with open doors', () => {
    const engine = engineWith();
    const empty = { ...STOPPED_OUTSIDE_ZONE, passenger_status: 0 };
    expect(run(engine, [...frames(0, 100, empty), ...frames(101, 300, OPEN_AT_LANDING)])).toEqual([]);
  });

  it('decides nothing from a frame that lacks the points it needs', () => {
    const engine = engineWith();
    run(engine, frames(0, 5, STOPPED_OUTSIDE_ZONE));
    // Frames without passenger_status neither stop nor move the timer.
    engine.onReadings(liftFrame(T0 + 6 * SECOND, { car_position: 7 }));
    expect(brief(engine.advanceTo(T0 + 20 * SECOND))).toEqual(['08:00:15.000 raised lift_entrapment lift-b1-a']);
  });

  it('clears when the car is empty', () => {
    const engine = engineWith();
    const alerts = run(engine, [...frames(0, 20, STOPPED_OUTSIDE_ZONE), liftFrame(T0 + 21 * SECOND, { ...STOPPED_OUTSIDE_ZONE, passenger_status: 0 })]);
    expect(brief(alerts)).toEqual(['08:00:15.000 raised lift_entrapment lift-b1-a', '08:00:21.000 cleared lift_entrapment lift-b1-a']);
    expect(alerts[1]?.evidence.cleared_by).toBe('car_empty');
  });

  it('uses the thresholds of the lift: per_lift over defaults', () => {
    const engine = engineWith({ lifts: { defaults: { entrapment: { outside_door_zone_s: 20 } }, per_lift: { [LIFT.id]: { entrapment: { outside_door_zone_s: 30 } } } } });
    expect(brief(run(engine, frames(0, 40, STOPPED_OUTSIDE_ZONE)))).toEqual(['08:00:30.000 raised lift_entrapment lift-b1-a']);
  });

  it('merges the monitor passenger_trapped fault and the stop into one episode', () => {
    const engine = engineWith();
    const raised = engine.onEvent(event(LIFT, T0 + 2 * SECOND, 'lift_fault', { fault: 'passenger_trapped', vendor_code: 7 }));
    const more = run(engine, frames(0, 20, STOPPED_IN_ZONE_CLOSED).slice(3));
    const timed = engine.advanceTo(T0 + 80 * SECOND);
    const cleared = engine.onEvent(event(LIFT, T0 + 90 * SECOND, 'lift_fault_cleared', { fault: 'passenger_trapped', vendor_code: 7 }));
    expect(brief([...raised, ...more, ...timed, ...cleared])).toEqual([
      '08:00:02.000 raised lift_entrapment lift-b1-a',
      // The doors stayed closed at the landing from 3 s: 60 s later the stop adds its evidence.
      '08:01:03.000 updated lift_entrapment lift-b1-a',
      '08:01:30.000 cleared lift_entrapment lift-b1-a',
    ]);
    expect(timed[0]?.evidence).toMatchObject({ trigger: 'monitor_passenger_trapped', stop: 'in_door_zone_doors_closed', stopped_s: 60 });
    expect(raised[0]).toMatchObject({ evidence: { trigger: 'monitor_passenger_trapped', monitor_fault: 'passenger_trapped', vendor_code: 7 } });
    expect(cleared[0]?.reason.en).toBe('The monitor of lift lift-b1-a reports the entrapment fault recovered');
  });

  it('ignores a frame older than one already judged (late data cannot undo a newer stop)', () => {
    const engine = engineWith();
    run(engine, frames(10, 12, STOPPED_OUTSIDE_ZONE));
    engine.onReadings(liftFrame(T0 + 5 * SECOND, RUNNING));
    expect(brief(engine.advanceTo(T0 + 30 * SECOND))).toEqual(['08:00:25.000 raised lift_entrapment lift-b1-a']);
  });
});
