import { describe, expect, it } from 'vitest';
import { createHouseholdCareRule, HOUSEHOLD_CARE_RULE_ID } from '../../../../../edge/rules/care/household-care-rule.js';
import { at, Bench, brief, doorEvent, enrolled, gateCard, home, MINUTE, powerFrame, rulesConfig, waterFrame } from '../../../../rules/care/harness.js';

/**
 * One household through the real engine: meters polled every 5 minutes, what happens set by hand.
 * The morning check is off unless a test is about it, and so is the learning of her own quiet
 * lengths (its margin while learning would move every first-day deadline; quiet-lengths tests).
 */
function household(profile: Record<string, unknown> = {}, options: { water?: boolean; power?: boolean } = {}) {
  const h = home('hh-1', options);
  const config = (extra: Record<string, unknown> = {}) =>
    rulesConfig({ care: { households: [enrolled('hh-1', { morning_check: { enabled: false }, inactivity: { learn_quiet: false }, ...profile, ...extra })] } });
  const bench = new Bench({ rules: [createHouseholdCareRule()], devices: h.devices, config: config() });
  let litres = 100_000;
  let kwh = 2_000;
  let watts = 130;
  const meters = { water: options.water !== false, power: options.power !== false };
  return {
    h,
    bench,
    config,
    meters,
    /** Water drawn before the next poll. */
    use(draw: number) {
      litres += draw;
    },
    power(level: number) {
      watts = level;
    },
    /** Polls both meters every 5 minutes in [from, to]. */
    poll(from: number, to: number) {
      for (let time = from; time <= to; time += 5 * MINUTE) {
        if (meters.water) bench.frame(waterFrame(h.water, time, litres / 1000));
        kwh += (watts * 5) / 60 / 1000;
        if (meters.power) bench.frame(powerFrame(h.power, time, watts, kwh));
      }
    },
  };
}

describe('household care rule', () => {
  it('frames that repeat a level (a heater on, an unchanged counter) do not postpone the alert', () => {
    const home = household();
    home.poll(at('2026-03-02 07:00'), at('2026-03-02 09:55'));
    home.use(8);
    home.power(1800);
    home.poll(at('2026-03-02 10:00'), at('2026-03-02 17:00'));
    expect(brief(home.bench.alerts)).toEqual(['03-02 16:00 raised household_care hh-1']);
    expect(home.bench.alerts[0]!.reason.en).toBe('Household hh-1 (lives alone): no activity for 6 h since 10:00 (daytime limit 6 h). Last seen: water 10:00, electricity 10:00.');
  });

  it('concludes nothing while every in-home meter is offline (the door alone cannot tell rest from a fall), and speaks when their data shows the quiet', () => {
    const home = household();
    home.poll(at('2026-03-02 07:00'), at('2026-03-02 09:55'));
    home.use(8);
    home.poll(at('2026-03-02 10:00'), at('2026-03-02 11:00'));
    home.bench.offline(home.h.water.id, at('2026-03-02 11:02'));
    home.bench.offline(home.h.power.id, at('2026-03-02 11:02'));
    home.bench.advanceTo(at('2026-03-02 19:55'));
    expect(home.bench.alerts).toEqual([]);
    home.bench.online(home.h.water.id, at('2026-03-02 19:59'));
    home.bench.online(home.h.power.id, at('2026-03-02 19:59'));
    home.poll(at('2026-03-02 20:00'), at('2026-03-02 20:30'));
    // The water counter bridged the outage and shows the quiet since 10:00. While the electricity
    // meter is still silent the day is judged on the night limit (22:00); once it reads again the
    // daytime limit has long passed.
    expect(brief(home.bench.alerts)).toEqual(['03-02 20:00 raised household_care hh-1']);
    expect(home.bench.alerts[0]!.evidence).toMatchObject({ decided_on: 'door,water', quiet_h: 10 });
    expect(home.bench.alerts[0]!.reason.en).toContain('Data incomplete: electricity meter data only since 20:00; decided on door, water.');
  });

  it('a door-only home is judged on its door: quiet after someone came in by card on the daytime limit, after she went out on the night limit', () => {
    const cameIn = household({}, { water: false, power: false });
    cameIn.bench.event(doorEvent(cameIn.h.door, at('2026-03-02 09:00'), 'credential_granted'));
    cameIn.bench.event(doorEvent(cameIn.h.door, at('2026-03-02 09:00') + 20_000, 'door_closed'));
    cameIn.bench.advanceTo(at('2026-03-02 22:00'));
    expect(brief(cameIn.bench.alerts)).toEqual(['03-02 15:00 raised household_care hh-1']);
    const wentOut = household({}, { water: false, power: false });
    wentOut.bench.event(doorEvent(wentOut.h.door, at('2026-03-02 09:00'), 'door_closed'));
    wentOut.bench.advanceTo(at('2026-03-02 22:00'));
    expect(brief(wentOut.bench.alerts)).toEqual(['03-02 21:00 raised household_care hh-1']);
    expect(wentOut.bench.alerts[0]!.reason.en).toContain('(daytime limit 12 h, she went out through the door)');
  });

  it('a hospital stay registered while the alert is open withdraws it at the next input', () => {
    const home = household();
    home.poll(at('2026-03-02 09:00'), at('2026-03-02 16:00'));
    expect(brief(home.bench.alerts)).toEqual(['03-02 15:00 raised household_care hh-1']);
    home.bench.setConfig(home.config({ away_periods: [{ from: '2026-03-02T16:02:00+08:00', to: '2026-03-06T12:00:00+08:00', reason: 'hospital' }] }));
    home.poll(at('2026-03-02 16:05'), at('2026-03-02 16:10'));
    expect(brief(home.bench.alerts).at(-1)).toBe('03-02 16:05 cleared household_care hh-1');
    expect(home.bench.alerts.at(-1)!.reason).toEqual({
      en: 'Household hh-1 is registered away (hospital) until 03-06 12:00: care alert withdrawn.',
      zh: '住户 hh-1 已登记住院，至 03-06 12:00：撤销关怀提醒。',
    });
  });

  it('out through the estate gate is away, not inactive, even while the washing machine fills; home again through the door is watched again', () => {
    const home = household({ credential_refs: ['card-9'] });
    home.poll(at('2026-03-02 07:00'), at('2026-03-02 08:55'));
    home.bench.event(doorEvent(home.h.door, at('2026-03-02 09:00'), 'door_opened'));
    home.bench.event(gateCard(at('2026-03-02 09:05'), 'card-9'));
    home.poll(at('2026-03-02 09:00'), at('2026-03-02 09:25'));
    home.use(15); // the washing machine's rinse
    home.poll(at('2026-03-02 09:30'), at('2026-03-02 21:00'));
    expect(home.bench.alerts).toEqual([]);
    home.bench.event(gateCard(at('2026-03-02 21:04'), 'card-9'));
    home.bench.event(doorEvent(home.h.door, at('2026-03-02 21:10'), 'credential_granted'));
    home.poll(at('2026-03-02 21:15'), at('2026-03-03 03:00'));
    expect(home.bench.alerts).toEqual([]);
    expect(home.bench.stored(HOUSEHOLD_CARE_RULE_ID, 'household:hh-1')).toMatchObject({ activity: { latest: { what: 'credential_granted', signal: 'door' } } });
  });

  it('an alert due during a registered carer visit waits for the end of the visit', () => {
    const home = household({ visits: [{ from: '15:30', to: '17:00', who: 'carer' }] });
    home.use(8);
    home.poll(at('2026-03-02 10:00'), at('2026-03-02 18:00'));
    expect(brief(home.bench.alerts)).toEqual(['03-02 17:00 raised household_care hh-1']);
  });

  it('a household taken out of care: its alert is withdrawn and its data deleted; households not enrolled are never processed', () => {
    const home = household();
    home.poll(at('2026-03-02 09:00'), at('2026-03-02 15:00'));
    home.bench.advanceTo(at('2026-03-02 15:00')); // the gateway's tick: a deadline at a frame's instant fires after its frames
    expect(brief(home.bench.alerts)).toEqual(['03-02 15:00 raised household_care hh-1']);
    home.bench.setConfig(rulesConfig({}));
    home.poll(at('2026-03-02 15:05'), at('2026-03-02 16:00'));
    expect(brief(home.bench.alerts)).toEqual(['03-02 15:00 raised household_care hh-1', '03-02 15:05 cleared household_care hh-1']);
    expect(home.bench.alerts[1]!.evidence.cleared_by).toBe('unenrolled');
    for (const key of ['household:hh-1', 'meter:wm-hh-1', 'meter:em-hh-1']) expect(home.bench.stored(HOUSEHOLD_CARE_RULE_ID, key)).toBeUndefined();
  });

  it('morning check, cold start: no activity by the default time plus the margin and the learning margin; a lone flush at 04:30 is not getting up', () => {
    const home = household({ morning_check: { enabled: true } });
    home.poll(at('2026-03-02 00:00'), at('2026-03-02 04:25'));
    home.use(7);
    home.poll(at('2026-03-02 04:30'), at('2026-03-02 11:30'));
    expect(brief(home.bench.alerts)).toEqual(['03-02 11:00 raised household_care hh-1']);
    expect(home.bench.alerts[0]!.reason).toEqual({
      en: 'Household hh-1 (lives alone): no activity by 11:00 (routine still being learned, 0 of 14 days; first activity expected by 08:00). Last seen: water 04:30.',
      zh: '住户 hh-1（独居）到 11:00 仍无任何活动（作息学习中，已 0/14 天，暂按 08:00 前首次活动判断）。最近：用水 04:30。',
    });
  });

  it('evidence stays a summary within the wire limits', () => {
    const home = household();
    home.poll(at('2026-03-02 09:00'), at('2026-03-02 15:00'));
    home.bench.advanceTo(at('2026-03-02 15:00')); // the gateway's tick: a deadline at a frame's instant fires after its frames
    const evidence = home.bench.alerts[0]!.evidence;
    expect(Object.keys(evidence).length).toBeLessThanOrEqual(32);
    expect(evidence).toEqual({
      check: 'inactivity',
      lives_alone: true,
      inactive_since: '2026-03-02T01:00:00.000Z',
      quiet_h: 6,
      decided_on: 'door,water,electricity',
      last_door: null,
      last_water: null,
      last_electricity: null,
      last_gate: null,
      limit_h: 6,
      limit_window: 'day',
    });
  });
});

