import { describe, expect, it } from 'vitest';
import { brief, HOUR, local } from '../care/harness.js';
import { arriving } from './acts.js';
import { EARLY_RISER, EARLY_RISER_PROFILE } from './routines.js';
import { dayAt, runScenario } from './scenario.js';

/**
 * The early riser goes to bed on day 16 as usual (about 21:00) and does not get up: a fall in the
 * night. The morning check, on her own routine learned over two weeks (first water use about 06:00),
 * speaks at the upper end of her usual window plus 2 h; the overnight limit (12 h) updates the same
 * alert; the housekeeper arrives at 09:30.
 */
describe('a fall in the night', () => {
  it('raises the morning check on her learned routine, the overnight limit updates it, the housekeeper clears it', () => {
    const alerts = runScenario({
      homes: [{ routine: EARLY_RISER, profile: EARLY_RISER_PROFILE }],
      days: 18,
      seed: 11,
      quiet: [{ unitId: EARLY_RISER.unitId, from: dayAt(16, '21:30'), to: dayAt(17, '09:30') }],
      extra: [{ unitId: EARLY_RISER.unitId, acts: arriving(dayAt(17, '09:30'), 'housekeeper') }],
    });
    const [raised, updated, cleared] = alerts;
    const lastSeen = Date.parse(raised!.evidence.inactive_since as string);
    expect(brief(alerts)).toEqual([
      `03-19 ${raised!.evidence.checked_at} raised household_care hh-early`,
      `${local(lastSeen + 12 * HOUR)} updated household_care hh-early`,
      '03-19 09:30 cleared household_care hh-early',
    ]);
    // Her evening: to bed 20:40-21:20; her mornings: up about 06:00 (+-15 min), seen at the next poll.
    expect(local(lastSeen) >= '03-18 20:40' && local(lastSeen) <= '03-18 21:30').toBe(true);
    expect(raised!.evidence).toMatchObject({ check: 'morning_check', baseline: 'learned', usual_first_signal: 'water' });
    expect(raised!.evidence.usual_first_from! >= '05:45' && raised!.evidence.usual_first_to! <= '06:20').toBe(true);
    // A tight routine: the check is the upper quartile plus the 2 h margin.
    expect(raised!.evidence.checked_at).toBe(plusMinutes(raised!.evidence.usual_first_to as string, 120));
    expect(raised!.reason.en).toMatch(/^Household hh-early \(lives alone\): usually first water use 0\d:\d\d-06:\d\d; none by 08:\d\d\. Last seen: /);
    expect(raised!.reason.zh).toMatch(/^住户 hh-early（独居）平时 0\d:\d\d-06:\d\d 首次用水，到 08:\d\d 仍无任何活动。/);
    expect(updated!.evidence).toMatchObject({ check: 'inactivity', limit_h: 12, limit_window: 'night' });
    expect(updated!.episode_id).toBe(raised!.episode_id);
    expect(cleared!.evidence).toMatchObject({ cleared_by: 'door', activity: 'credential_granted' });
  });
});

function plusMinutes(clock: string, minutes: number): string {
  const total = Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3)) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
