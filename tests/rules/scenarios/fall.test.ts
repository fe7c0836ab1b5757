import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brief, local } from '../care/harness.js';
import { arriving, type Act } from './acts.js';
import { EARLY_RISER, EARLY_RISER_PROFILE } from './routines.js';
import { dayAt, runScenario, type Scenario } from './scenario.js';

/**
 * A fall at 10:00 on day 15 of an early riser's month: she closes the door at 10:00 and falls; the
 * electric heater she switched on at 09:40 keeps drawing 1.5 kW (a level, not activity). The
 * housekeeper lets herself in at 16:30; at 17:00 the cloud registers a hospital stay until day 19
 * 12:00; she is home again on day 19 at 15:00.
 */
const FALL_DAY = 15;
const fall: Scenario = {
  homes: [{ routine: EARLY_RISER, profile: EARLY_RISER_PROFILE }],
  days: 22,
  seed: 7,
  quiet: [{ unitId: EARLY_RISER.unitId, from: dayAt(FALL_DAY, '09:45'), to: dayAt(FALL_DAY + 4, '15:00') }],
  extra: [
    {
      unitId: EARLY_RISER.unitId,
      acts: [
        { kind: 'appliance', at: dayAt(FALL_DAY, '09:40'), watts: 1500, minutes: 14 * 60, what: 'heater' },
        { kind: 'door', at: dayAt(FALL_DAY, '10:00'), type: 'door_closed', who: 'resident' },
        ...arriving(dayAt(FALL_DAY, '16:30'), 'housekeeper'),
        ...arriving(dayAt(FALL_DAY + 4, '15:00')),
      ] satisfies Act[],
    },
  ],
  profilesAt: [
    {
      at: dayAt(FALL_DAY, '17:00'),
      profiles: {
        [EARLY_RISER.unitId]: {
          ...EARLY_RISER_PROFILE,
          away_periods: [{ from: '2026-03-17T17:00:00+08:00', to: '2026-03-21T12:00:00+08:00', reason: 'hospital' }],
        },
      },
    },
  ],
};

/** SQLite files on tmpfs where there is one: the real store, without waiting on the disk's fsync. */
const STATE_DIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

const EXPECTED = ['03-17 16:00 raised household_care hh-early', '03-17 16:30 cleared household_care hh-early'];

describe('a fall at 10:00', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('raises care_visit at 16:00 (6 h daytime limit, the running heater not taken for activity) and clears when the housekeeper opens the door', () => {
    const alerts = runScenario(fall);
    expect(brief(alerts)).toEqual(EXPECTED);
    const [raised, cleared] = alerts;
    expect(raised).toMatchObject({ category: 'care_visit', severity: 'major', evidence: { check: 'inactivity', limit_h: 6, limit_window: 'day', decided_on: 'door,water,electricity' } });
    expect(local(raised!.evidence.last_electricity as string)).toBe('03-17 09:40');
    expect(raised!.reason.en).toBe(
      'Household hh-early (lives alone): no activity for 6 h since 10:00 (daytime limit 6 h). Last seen: door 10:00, water 09:25, electricity 09:40.',
    );
    expect(raised!.reason.zh).toBe('住户 hh-early（独居）自 10:00 起已 6 小时无任何活动（白天限值 6 小时）。最近：门 10:00，用水 09:25，用电 09:40。');
    expect(cleared!.reason.en).toBe('Household hh-early: active again (card accepted at the door at 16:30).');
  });

  it('raises the same alerts, ids included, when the gateway reboots at 13:00 in the middle of the timer (SQLite state)', () => {
    const dir = mkdtempSync(join(STATE_DIR, 'estatecare-fall-'));
    dirs.push(dir);
    const straight = runScenario(fall);
    const rebooted = runScenario({ ...fall, restart: { at: dayAt(FALL_DAY, '13:00'), until: dayAt(FALL_DAY, '13:00'), powerCut: false, sqlitePath: join(dir, 'state.db') } });
    expect(rebooted).toEqual(straight);
  });

  it('raises the same alerts at the same times after a 40-minute power cut of the gateway, naming the data gap', () => {
    const dir = mkdtempSync(join(STATE_DIR, 'estatecare-cut-'));
    dirs.push(dir);
    const cut = runScenario({ ...fall, restart: { at: dayAt(FALL_DAY, '13:00'), until: dayAt(FALL_DAY, '13:40'), powerCut: true, sqlitePath: join(dir, 'state.db') } });
    expect(brief(cut)).toEqual(EXPECTED);
    expect(cut[0]!.episode_id).toBe(runScenario(fall)[0]!.episode_id);
    // The water counter bridged the gap (no water used); the power meter's data restarts at 13:40.
    expect(cut[0]!.reason.en).toContain('Data incomplete: electricity meter data only since 13:40; decided on door, water.');
    expect(cut[0]!.reason.zh).toContain('数据不全：电表数据自 13:40 起；依据门、用水判断。');
  });

  it('raises when the data returns, not at the deadline it could not judge, after a power cut across the 16:00 deadline', () => {
    const cut = runScenario({ ...fall, restart: { at: dayAt(FALL_DAY, '15:30'), until: dayAt(FALL_DAY, '16:20'), powerCut: true } });
    // 15:30-16:20 the gateway saw nothing: at 16:00 no meter had watched; at 16:20 the water counter
    // shows none was used meanwhile, and the alert goes out then; once.
    expect(brief(cut)).toEqual(['03-17 16:20 raised household_care hh-early', '03-17 16:30 cleared household_care hh-early']);
    expect(cut[0]!.reason.en).toContain('no activity for 6 h 20 min since 10:00');
  });
});
