import { describe, expect, it } from 'vitest';
import { at, brief, DAY, MINUTE } from '../../../../rules/care/harness.js';
import { Flat } from './flat.js';

/**
 * Night-time trips to the toilet before her usual window (two flushes, 05:10 and 06:05) are not
 * a morning for a resident whose mornings begin with the door (out to tai chi), and a timed water heater's reheat
 * at 06:45, with nobody seen in the half hour before it, is not her either: a fall on the way back
 * from the second trip is called by the morning check, not six hours after the heater.
 */

const START = '2026-03-02'; // a Monday

function dayOf(n: number): string {
  return new Date(Date.parse(`${START}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** Four weeks of her days: out to tai chi in the park at about 07:00 and back by card at 08:00, a flush, a shower, lunch, tea, the TV. */
function doorFirstWeeks(flat: Flat, days: number): void {
  for (let n = 0; n < days; n++) {
    const day = dayOf(n);
    const drift = ((n * 37) % 41) - 20;
    const t = (hhmm: string) => at(`${day} ${hhmm}`) + drift * MINUTE;
    flat.door(t('07:00'), 'out').door(t('08:00'), 'in').water(t('08:10'), 10).water(t('08:30'), 40);
    flat.load(t('11:30'), 30, 700).water(t('12:00'), 10).water(t('15:00'), 10).load(t('15:30'), 3, 1800);
    flat.water(t('18:00'), 12).load(t('19:00'), 150, 100).water(t('21:30'), 10);
    // The water heater on the night tariff: 3 kW, on at 23:00 for 30 minutes.
    flat.load(at(`${day} 23:00`), 30, 3000);
  }
}

/** Monday 03-30: two flushes in the night, then the heater reheats for the water they drew. */
function nightTrips(flat: Flat): void {
  flat.water(at('2026-03-30 05:10'), 10).water(at('2026-03-30 06:05'), 10);
  flat.load(at('2026-03-30 06:45'), 20, 3000);
}

describe('night-time trips before her usual window', () => {
  it('two flushes and a heater reheat, then nothing: the morning check calls it, before noon, and says what it set aside', () => {
    const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false } });
    doorFirstWeeks(flat, 28);
    nightTrips(flat);
    flat.liveTo(at('2026-03-30 13:00'));

    const care = flat.care();
    // Her routine: out by about 07:20 (07:00-07:40 over four weeks); the check follows it by 4 h, but by 11:00.
    expect(brief(care)).toEqual(['03-30 11:00 raised household_care hh-1', '03-30 12:05 updated household_care hh-1']);
    const [raised] = care;
    expect(raised!.evidence.check).toBe('morning_check');
    expect(Date.parse(raised!.event_time)).toBeLessThan(at('2026-03-30 12:00'));
    expect(raised!.reason.en).toContain('3.0 kW load running at night with nobody seen for 30 min before it or 60 min after (water heater?) at 06:45');
    expect(raised!.reason.zh).toContain('夜间启动');
  });

  it('the same night, then out to tai chi at 07:05: she is up, and nothing is raised', () => {
    const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false } });
    doorFirstWeeks(flat, 28);
    nightTrips(flat);
    flat.door(at('2026-03-30 07:05'), 'out').door(at('2026-03-30 08:05'), 'in').water(at('2026-03-30 12:00'), 10);
    flat.liveTo(at('2026-03-30 13:00'));

    expect(flat.care()).toEqual([]);
  });

  it('a resident whose mornings begin with a flush: the same two flushes are her getting up, and a quiet morning after them raises nothing before her daytime limit', () => {
    const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false } });
    for (let n = 0; n < 28; n++) {
      const day = dayOf(n);
      const drift = ((n * 37) % 41) - 20;
      const t = (hhmm: string) => at(`${day} ${hhmm}`) + drift * MINUTE;
      flat.water(t('06:10'), 10).water(t('07:00'), 10).water(t('09:00'), 10).water(t('12:00'), 10).water(t('15:00'), 10).water(t('18:00'), 12).water(t('21:30'), 10);
    }
    flat.water(at('2026-03-30 05:10'), 10).water(at('2026-03-30 06:05'), 10).water(at('2026-03-30 11:30'), 10);
    flat.liveTo(at('2026-03-30 13:00'));

    expect(flat.care()).toEqual([]);
  });
});
