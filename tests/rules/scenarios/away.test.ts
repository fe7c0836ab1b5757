import { describe, expect, it } from 'vitest';
import { brief } from '../care/harness.js';
import { arriving, leaving } from './acts.js';
import { NIGHT_OWL, NIGHT_OWL_PROFILE, TRAVELLER, TRAVELLER_PROFILE } from './routines.js';
import { dayAt, runScenario } from './scenario.js';

describe('away, not inactive', () => {
  it('a hospital stay registered in advance raises nothing, though she comes home later than registered', () => {
    const alerts = runScenario({
      homes: [
        {
          routine: NIGHT_OWL,
          profile: { ...NIGHT_OWL_PROFILE, away_periods: [{ from: '2026-03-18T14:00:00+08:00', to: '2026-03-21T12:00:00+08:00', reason: 'hospital' }] },
        },
      ],
      days: 24,
      seed: 5,
      // She leaves at 14:00 on day 16 and is back on day 19 at 16:30, four and a half hours after the registered end.
      quiet: [{ unitId: NIGHT_OWL.unitId, from: dayAt(16, '13:50'), to: dayAt(19, '16:30') }],
      extra: [{ unitId: NIGHT_OWL.unitId, acts: [...leaving(dayAt(16, '14:00')), ...arriving(dayAt(19, '16:30'))] }],
    });
    expect(brief(alerts)).toEqual([]);
  });

  it('a frequent traveller: day trips and a night at her daughter\'s through the estate gate, a registered trip: nothing raised', () => {
    const card = TRAVELLER.credentialRef!;
    const alerts = runScenario({
      homes: [
        {
          routine: TRAVELLER,
          profile: { ...TRAVELLER_PROFILE, away_periods: [{ from: '2026-03-12T08:00:00+08:00', to: '2026-03-16T20:00:00+08:00', reason: 'travel' }] },
        },
      ],
      days: 28,
      seed: 9,
      quiet: [
        // the registered trip: out on day 10 at 09:00, back on day 14 at 19:10
        { unitId: TRAVELLER.unitId, from: dayAt(10, '08:50'), to: dayAt(14, '19:10') },
        // a night at her daughter's, not registered: out on day 20 at 15:00, back on day 21 at 14:00
        { unitId: TRAVELLER.unitId, from: dayAt(20, '14:50'), to: dayAt(21, '14:00') },
      ],
      extra: [
        {
          unitId: TRAVELLER.unitId,
          acts: [
            ...leaving(dayAt(10, '09:00')),
            { kind: 'gate', at: dayAt(10, '09:05'), credentialRef: card },
            { kind: 'gate', at: dayAt(14, '19:04'), credentialRef: card },
            ...arriving(dayAt(14, '19:10')),
            ...leaving(dayAt(20, '15:00')),
            { kind: 'gate', at: dayAt(20, '15:05'), credentialRef: card },
            { kind: 'gate', at: dayAt(21, '13:54'), credentialRef: card },
            ...arriving(dayAt(21, '14:00')),
          ],
        },
      ],
    });
    expect(brief(alerts)).toEqual([]);
  });

  it('a card at the estate gate without the unit door after it is not "away" when the reader says she came in', () => {
    const card = TRAVELLER.credentialRef!;
    const alerts = runScenario({
      homes: [{ routine: { ...TRAVELLER, dayTrip: 0 }, profile: TRAVELLER_PROFILE }],
      days: 18,
      seed: 9,
      // Day 16: out at 09:00 for a walk (door only); at 11:00 her card opens the gate inwards, and she never reaches her door.
      quiet: [{ unitId: TRAVELLER.unitId, from: dayAt(16, '08:50'), to: dayAt(16, '18:00') }],
      extra: [
        {
          unitId: TRAVELLER.unitId,
          acts: [...leaving(dayAt(16, '09:00')), { kind: 'gate', at: dayAt(16, '11:00'), credentialRef: card, direction: 'in' }, ...arriving(dayAt(16, '18:00'), 'housekeeper')],
        },
      ],
    });
    expect(brief(alerts)).toEqual(['03-18 17:00 raised household_care hh-travel', '03-18 18:00 cleared household_care hh-travel']);
    expect(alerts[0]!.reason.en).toContain('no activity for 6 h since 11:00');
    expect(alerts[0]!.reason.en).toContain('estate gate 11:00');
  });
});
