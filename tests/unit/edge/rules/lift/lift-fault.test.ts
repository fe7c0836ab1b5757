import { describe, expect, it } from 'vitest';
import type { AlertItem } from '../../../../../shared/contract/index.js';
import { createLiftFaultRule } from '../../../../../edge/rules/lift/lift-fault.js';
import {
  LIFT,
  MINUTE,
  OPEN_AT_LANDING,
  RUNNING,
  SECOND,
  STOPPED_IN_ZONE_CLOSED,
  T0,
  brief,
  event,
  liftFrame,
  memoryEngine,
  rulesConfig,
} from '../../../../rules/engine/engine-harness.js';

const engineWith = (config?: unknown) => memoryEngine({ rules: [createLiftFaultRule()], ...(config ? { config: rulesConfig(config) } : {}) });
const fault = (at: number, name: string, vendor_code = 1) => event(LIFT, at, 'lift_fault', { fault: name, vendor_code });
const cleared = (at: number, name: string, vendor_code = 1) => event(LIFT, at, 'lift_fault_cleared', { fault: name, vendor_code });

describe('lift faults', () => {
  it('raises a major lift_fault once a fault has been active for 5 s, and clears with it', () => {
    const engine = engineWith();
    const alerts: AlertItem[] = [];
    alerts.push(...engine.onReadings(liftFrame(T0, STOPPED_IN_ZONE_CLOSED)));
    alerts.push(...engine.onEvent(fault(T0 + SECOND, 'door_close_fault', 2)));
    alerts.push(...engine.advanceTo(T0 + 10 * SECOND));
    alerts.push(...engine.onEvent(cleared(T0 + MINUTE, 'door_close_fault', 2)));
    expect(brief(alerts)).toEqual(['08:00:06.000 raised lift_fault lift-b1-a', '08:01:00.000 cleared lift_fault lift-b1-a']);
    expect(alerts[0]).toMatchObject({
      category: 'lift_fault',
      severity: 'major',
      evidence: { problems: 'door_close_fault', floor: 7, door_close_fault_since: '2026-11-24T08:00:01.000Z', vendor_code: 2, device_id: LIFT.id },
      reason: { zh: '电梯 lift-b1-a 需要维修（7 层）：关门故障', en: 'Lift lift-b1-a needs repair (floor 7): door-closing fault' },
    });
  });

  it.each(['safety_circuit_broken', 'door_open_fault', 'unintended_movement', 'overspeed', 'overtravel_top', 'overtravel_bottom', 'stopped_outside_door_zone'])(
    'raises on %s',
    (name) => {
      const engine = engineWith();
      engine.onEvent(fault(T0, name));
      expect(brief(engine.advanceTo(T0 + 5 * SECOND))).toEqual(['08:00:05.000 raised lift_fault lift-b1-a']);
    },
  );

  it('raises nothing for a fault the monitor clears within the confirmation window, or for passenger_trapped', () => {
    const engine = engineWith();
    engine.onEvent(fault(T0, 'door_open_fault'));
    engine.onEvent(cleared(T0 + 3 * SECOND, 'door_open_fault'));
    engine.onEvent(fault(T0 + 4 * SECOND, 'passenger_trapped', 11));
    expect(engine.advanceTo(T0 + MINUTE)).toEqual([]);
  });

  it('lists every fault in one episode and clears only when the last is gone', () => {
    const engine = engineWith({ lifts: { defaults: { faults: { confirm_s: 0 } } } });
    const alerts = [
      ...engine.onEvent(fault(T0, 'safety_circuit_broken', 1)),
      ...engine.onEvent(fault(T0 + SECOND, 'overspeed', 16)),
      ...engine.onEvent(fault(T0 + 2 * SECOND, 'overspeed', 16)), // repeated: no change
      ...engine.onEvent(cleared(T0 + 3 * SECOND, 'safety_circuit_broken', 1)),
      ...engine.onEvent(cleared(T0 + 4 * SECOND, 'overspeed', 16)),
    ];
    expect(alerts.map((a) => `${a.state} ${a.evidence.problems}`)).toEqual(['raised safety_circuit_broken', 'updated safety_circuit_broken, overspeed', 'updated overspeed', 'cleared ']);
    expect(alerts[1]?.reason.en).toBe('Lift lift-b1-a needs repair: safety circuit broken; overspeed');
  });

  it('raises only the faults configured for the lift', () => {
    const engine = engineWith({ lifts: { per_lift: { [LIFT.id]: { faults: { raise_on: ['safety_circuit_broken'] } } } } });
    engine.onEvent(fault(T0, 'door_open_fault'));
    expect(engine.advanceTo(T0 + MINUTE)).toEqual([]);
  });
});

describe('repeated door cycling', () => {
  /** Doors opening and closing at one landing every `periodS` seconds, `count` times. */
  function cycles(count: number, periodS: number, startS = 0): Array<ReturnType<typeof liftFrame>> {
    return Array.from({ length: count }, (_, i) => {
      const at = T0 + (startS + i * periodS) * SECOND;
      return [liftFrame(at, STOPPED_IN_ZONE_CLOSED), liftFrame(at + (periodS / 2) * SECOND, OPEN_AT_LANDING)];
    }).flat();
  }

  it('raises at the 20th opening within 10 min at one landing, and clears when the car runs again', () => {
    const engine = engineWith();
    const alerts = [...cycles(25, 20).flatMap((f) => engine.onReadings(f)), ...engine.onReadings(liftFrame(T0 + 10 * MINUTE, RUNNING))];
    // Openings at 10 s, 30 s, ...: the 20th at 390 s.
    expect(brief(alerts)).toEqual(['08:06:30.000 raised lift_fault lift-b1-a', '08:10:00.000 cleared lift_fault lift-b1-a']);
    expect(alerts[0]?.reason.en).toBe('Lift lift-b1-a needs repair (floor 7): doors opened 20 times within 10 min');
    expect(alerts[0]?.evidence).toMatchObject({ problems: 'door_cycling', door_openings: 20 });
  });

  it('does not count a busy lift opening its doors at every stop', () => {
    const engine = engineWith();
    const frames = Array.from({ length: 40 }, (_, i) => {
      const at = T0 + i * 15 * SECOND;
      return [liftFrame(at, RUNNING), liftFrame(at + 5 * SECOND, STOPPED_IN_ZONE_CLOSED), liftFrame(at + 8 * SECOND, OPEN_AT_LANDING), liftFrame(at + 12 * SECOND, STOPPED_IN_ZONE_CLOSED)];
    }).flat();
    expect(frames.flatMap((f) => engine.onReadings(f))).toEqual([]);
  });

  it('does not raise when the openings are spread beyond the window', () => {
    const engine = engineWith();
    expect(cycles(30, 40).flatMap((f) => engine.onReadings(f))).toEqual([]);
  });
});

describe('lift out of service', () => {
  it('raises after 30 min in service mode 0 and clears when it is back in service', () => {
    const engine = engineWith();
    const out = { ...STOPPED_IN_ZONE_CLOSED, passenger_status: 0, service_mode: 0 };
    const alerts = [
      ...engine.onReadings(liftFrame(T0, out)),
      ...engine.onReadings(liftFrame(T0 + 29 * MINUTE, out)),
      ...engine.advanceTo(T0 + 31 * MINUTE),
      ...engine.onReadings(liftFrame(T0 + 40 * MINUTE, { ...out, service_mode: 1 })),
    ];
    expect(brief(alerts)).toEqual(['08:30:00.000 raised lift_fault lift-b1-a', '08:40:00.000 cleared lift_fault lift-b1-a']);
    expect(alerts[0]?.reason.zh).toBe('电梯 lift-b1-a 需要维修（7 层）：停止服务已 30 分钟');
  });

  it('follows lift_service_mode_changed events too, and ignores a short stop', () => {
    const engine = engineWith();
    const alerts = [
      ...engine.onEvent(event(LIFT, T0, 'lift_service_mode_changed', { service_mode: 'out_of_service' })),
      ...engine.onEvent(event(LIFT, T0 + 10 * MINUTE, 'lift_service_mode_changed', { service_mode: 'normal' })),
      ...engine.onEvent(event(LIFT, T0 + 20 * MINUTE, 'lift_service_mode_changed', { service_mode: 'out_of_service' })),
      ...engine.advanceTo(T0 + 2 * 60 * MINUTE),
    ];
    expect(brief(alerts)).toEqual(['08:50:00.000 raised lift_fault lift-b1-a']);
  });

  it('can be turned off per lift', () => {
    const engine = engineWith({ lifts: { per_lift: { [LIFT.id]: { out_of_service: { enabled: false } } } } });
    engine.onEvent(event(LIFT, T0, 'lift_service_mode_changed', { service_mode: 'out_of_service' }));
    expect(engine.advanceTo(T0 + 5 * 60 * MINUTE)).toEqual([]);
  });
});
