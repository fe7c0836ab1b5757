import { describe, expect, it } from 'vitest';
import { brief } from '../care/harness.js';
import { arriving } from './acts.js';
import { EARLY_RISER, EARLY_RISER_PROFILE } from './routines.js';
import { dayAt, runScenario } from './scenario.js';

/**
 * No data is not no activity (ThingsBoard #14210). A dead meter is the device-offline rule's
 * business (a device_offline ticket for facilities); the care rule must not send a housekeeper.
 */
describe('a meter that dies', () => {
  it('the water meter dies mid-week and stays dead: the others watch on, no care visit', () => {
    const alerts = runScenario({
      homes: [{ routine: EARLY_RISER, profile: EARLY_RISER_PROFILE }],
      days: 21,
      seed: 13,
      meterDown: [{ deviceId: 'wm-hh-early', from: dayAt(16, '03:00') }],
    });
    expect(brief(alerts)).toEqual([]);
  });

  it('...and when she falls the next day, the electricity meter and the door decide, on the night limit within the day, and the alert says the water meter is dead', () => {
    const alerts = runScenario({
      homes: [{ routine: EARLY_RISER, profile: EARLY_RISER_PROFILE }],
      days: 19,
      seed: 13,
      meterDown: [{ deviceId: 'wm-hh-early', from: dayAt(16, '03:00') }],
      quiet: [{ unitId: 'hh-early', from: dayAt(17, '09:50'), to: dayAt(17, '22:30') }],
      // She comes home at 10:00 and falls; the housekeeper lets herself in at 22:30.
      extra: [{ unitId: 'hh-early', acts: [...arriving(dayAt(17, '10:00')), ...arriving(dayAt(17, '22:30'), 'housekeeper')] }],
    });
    // Without the water meter a quiet day is judged on the night limit (12 h), by the end of the day.
    expect(brief(alerts)).toEqual(['03-19 22:00 raised household_care hh-early', '03-19 22:30 cleared household_care hh-early']);
    expect(alerts[0]!.evidence).toMatchObject({ decided_on: 'door,electricity', no_data_from: 'wm-hh-early:offline', limit_h: 12, limit_basis: 'meter_blind' });
    expect(alerts[0]!.reason.en).toContain('(daytime limit 12 h, a meter without data)');
    expect(alerts[0]!.reason.en).toContain('Data incomplete: water meter wm-hh-early offline since 03-18 03:00; decided on door, electricity.');
    expect(alerts[0]!.reason.zh).toContain('数据不全：水表 wm-hh-early 自 03-18 03:00 离线；依据门、用电判断。');
  });

  it('a home watched by its door and water meter only: the meter is dead for a day while she stays in; the door alone decides nothing', () => {
    const stayingIn = { ...EARLY_RISER, unitId: 'hh-wateronly', walk: 0 };
    const alerts = runScenario({
      homes: [{ routine: stayingIn, profile: EARLY_RISER_PROFILE, power: false }],
      days: 19,
      seed: 13,
      meterDown: [{ deviceId: 'wm-hh-wateronly', from: dayAt(16, '08:00'), to: dayAt(17, '09:00') }],
    });
    expect(brief(alerts)).toEqual([]);
  });

  it('...while the same home with its meter alive and the resident fallen at 08:00 is called after her own long quiet with room for a use the 10 L counter did not show (8 h 30 min: 16:30)', () => {
    const stayingIn = { ...EARLY_RISER, unitId: 'hh-wateronly', walk: 0 };
    const alerts = runScenario({
      homes: [{ routine: stayingIn, profile: EARLY_RISER_PROFILE, power: false }],
      days: 17,
      seed: 13,
      quiet: [{ unitId: 'hh-wateronly', from: dayAt(16, '07:50') }],
      extra: [{ unitId: 'hh-wateronly', acts: [{ kind: 'water', at: dayAt(16, '07:55'), litres: 3, minutes: 1, what: 'wash' }] }],
    });
    expect(brief(alerts)).toEqual(['03-18 16:30 raised household_care hh-wateronly']);
    // Watched by water alone, her quiet spells between uses run long: the learned limit says so.
    expect(alerts[0]!.evidence).toMatchObject({ limit_h: 8.5, limit_basis: 'quiet_lengths' });
    expect(alerts[0]!.reason.en).toContain('(daytime limit 8 h 30 min, her own long quiet afternoons)');
  });
});
