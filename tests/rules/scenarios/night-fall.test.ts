import { describe, expect, it } from 'vitest';
import { brief, HOUR, local } from '../care/harness.js';
import { arriving } from './acts.js';
import { EARLY_RISER, EARLY_RISER_PROFILE } from './routines.js';
import { dayAt, runScenario } from './scenario.js';

/**
 * The early riser goes to bed on day 16 as usual (about 21:00) and does not get up: a fall in the
 * night. Her overnight limit (12 h) passes about 09:00, before her morning check, and waits for it:
 * her own routine learned over two weeks (first water use about 06:00) gives a late morning 4 h
 * after the upper end of her usual window, so the care visit is raised a little after 10:00, well
 * before noon; the housekeeper arrives at 11:30 and clears it.
 */
describe('a fall in the night', () => {
  it('the overnight limit, held to her morning check on her learned routine, raises it before noon; the housekeeper clears it', () => {
    const alerts = runScenario({
      homes: [{ routine: EARLY_RISER, profile: EARLY_RISER_PROFILE }],
      days: 18,
      seed: 11,
      quiet: [{ unitId: EARLY_RISER.unitId, from: dayAt(16, '21:30'), to: dayAt(17, '11:30') }],
      extra: [{ unitId: EARLY_RISER.unitId, acts: arriving(dayAt(17, '11:30'), 'housekeeper') }],
    });
    const [raised, cleared] = alerts;
    const lastSeen = Date.parse(raised!.evidence.inactive_since as string);
    const checkedAt = raised!.evidence.waited_for_morning_check as string;
    expect(brief(alerts)).toEqual([`03-19 ${checkedAt} raised household_care hh-early`, '03-19 11:30 cleared household_care hh-early']);
    // Her evening: to bed 20:40-21:20; her mornings: up about 06:00 (+-15 min), seen at the next poll.
    expect(local(lastSeen) >= '03-18 20:40' && local(lastSeen) <= '03-18 21:30').toBe(true);
    expect(local(lastSeen + 12 * HOUR) < `03-19 ${checkedAt}`).toBe(true);
    // A tight routine: the upper quartile (06:00-06:20) plus the 4 h given to a late morning.
    expect(checkedAt >= '10:00' && checkedAt <= '10:20').toBe(true);
    expect(raised!.evidence).toMatchObject({ check: 'inactivity', limit_h: 12, limit_window: 'night' });
    expect(raised!.reason.en).toMatch(/^Household hh-early \(lives alone\): no activity for 1\d h \d+ min since 03-18 2\d:\d\d \(overnight limit 12 h, waited for the usual morning\)\. Last seen: /);
    expect(raised!.reason.zh).toContain('（跨夜限值 12 小时，已等到平时起床时间）');
    expect(cleared!.episode_id).toBe(raised!.episode_id);
    expect(cleared!.evidence).toMatchObject({ cleared_by: 'door', activity: 'credential_granted' });
  });
});
