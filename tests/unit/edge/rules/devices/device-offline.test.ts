import { describe, expect, it } from 'vitest';
import type { AlertItem } from '../../../../../shared/contract/index.js';
import { createDeviceOfflineRule } from '../../../../../edge/rules/devices/device-offline.js';
import { DOOR, LIFT, METER, MINUTE, OPEN_AT_LANDING, SECOND, T0, brief, event, frame, liftFrame, memoryEngine, rulesConfig } from '../../../../rules/engine/engine-harness.js';

const engineWith = (config?: unknown, devices = [LIFT, METER, DOOR]) => memoryEngine({ rules: [createDeviceOfflineRule()], devices, ...(config ? { config: rulesConfig(config) } : {}) });
const reading = (at: number) => frame(METER, at, { active_power: 0.25 });

describe('device offline', () => {
  it('raises after 3 poll periods without a good reading, and clears with the next one', () => {
    const engine = engineWith(undefined, [METER]);
    const alerts: AlertItem[] = [];
    for (let s = 0; s <= 60; s += 30) alerts.push(...engine.onReadings(reading(T0 + s * SECOND)));
    alerts.push(...engine.onAvailability(METER.id, { online: false, reason: 'no_response' }, T0 + 90 * SECOND));
    alerts.push(...engine.advanceTo(T0 + 149 * SECOND));
    alerts.push(...engine.advanceTo(T0 + 150 * SECOND));
    alerts.push(...engine.onAvailability(METER.id, { online: true }, T0 + 10 * MINUTE));
    alerts.push(...engine.onReadings(reading(T0 + 10 * MINUTE)));
    expect(brief(alerts)).toEqual(['08:02:30.000 raised device_offline meter-1203', '08:10:00.000 cleared device_offline meter-1203']);
    expect(alerts[0]).toMatchObject({
      category: 'device_offline',
      severity: 'minor',
      subject: { kind: 'device', id: METER.id },
      evidence: { last_good_reading_at: '2026-11-24T08:01:00.000Z', silent_s: 90, poll_interval_s: 30, driver_says: 'no_response', subject_kind: 'unit', subject_id: 'hh-7f3a' },
      reason: {
        zh: '设备 meter-1203（电表）已 90 秒没有有效读数（轮询周期 30 秒，连续 3 次）：总线上无应答',
        en: 'Device meter-1203 (electricity meter) has sent no good reading for 90 s (3 polls of 30 s): it does not answer on its bus',
      },
    });
    expect(alerts[1]).toMatchObject({ revision: 2, evidence: { silent_s: 540 } });
    expect(alerts[1]?.reason.en).toBe('Device meter-1203 is reading again after 9 min without data');
  });

  it('raises for a device never heard from, a full limit after the start', () => {
    const engine = engineWith();
    engine.advanceTo(T0); // the gateway starts
    expect(brief(engine.advanceTo(T0 + 89 * SECOND))).toEqual([]);
    expect(brief(engine.advanceTo(T0 + 10 * MINUTE))).toEqual(['08:01:30.000 raised device_offline meter-1203', '08:10:00.000 raised device_offline lift-b1-a']);
  });

  it('gives a lift monitor (pushes, no poll) 10 minutes of silence, any frame or event counting', () => {
    const engine = engineWith();
    engine.onReadings(reading(T0));
    engine.onReadings(liftFrame(T0, OPEN_AT_LANDING));
    engine.onEvent(event(LIFT, T0 + 5 * MINUTE, 'lift_alarm_button'));
    const alerts = engine.advanceTo(T0 + 15 * MINUTE).filter((a) => a.subject.id === LIFT.id);
    expect(brief(alerts)).toEqual(['08:15:00.000 raised device_offline lift-b1-a']);
    expect(alerts[0]?.reason.en).toBe('Device lift-b1-a (lift monitor) has sent no good reading for 10 min');
  });

  it('never raises for a door controller, silent while nobody passes', () => {
    const engine = engineWith();
    expect(engine.advanceTo(T0 + 48 * 60 * MINUTE).filter((a) => a.subject.id === DOOR.id)).toEqual([]);
  });

  it('follows the config: missed polls, a silence limit per device or per kind, or not watched', () => {
    const engine = engineWith({
      devices: { missed_polls: 5, push_silence_s: { lift_monitor: null, door_access_controller: 3600 }, per_device: { [METER.id]: { silence_s: 300 } } },
    });
    engine.advanceTo(T0);
    expect(brief(engine.advanceTo(T0 + 2 * 60 * MINUTE))).toEqual(['08:05:00.000 raised device_offline meter-1203', '09:00:00.000 raised device_offline door-b1-main']);
  });

  it('ignores a reading older than the last one (it says nothing new)', () => {
    const engine = engineWith();
    engine.onReadings(reading(T0 + 60 * SECOND));
    engine.onReadings(reading(T0));
    expect(brief(engine.advanceTo(T0 + 10 * MINUTE)).filter((line) => line.includes(METER.id))).toEqual(['08:02:30.000 raised device_offline meter-1203']);
  });
});
