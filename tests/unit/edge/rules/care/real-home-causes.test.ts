import { describe, expect, it } from 'vitest';
import { createDeviceOfflineRule } from '../../../../../edge/rules/devices/device-offline.js';
import type { DeviceInfo } from '../../../../../edge/rules/rule.js';
import { at, Bench, brief, DAY, local, MINUTE, powerFrame, rulesConfig } from '../../../../rules/care/harness.js';
import { Flat } from './flat.js';

/**
 * What real homes do that clean synthetic weeks do not, one cause at a time, each through the real
 * engine and the default rules in a flat lived minute by minute (flat.ts): a water meter counting
 * in 10-litre steps, an electricity meter read every 5 minutes, a resident whose times move from day
 * to day. The estate-wide view of the same causes is the scored simulator (tests/rules/households/).
 */

const START = '2026-03-02'; // a Monday

/** The local date `n` days after START. */
function dayOf(n: number): string {
  return new Date(Date.parse(`${START}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** An always-on electric water heater: 2 kW for 10 minutes every four hours, day and night, on days [from, to). */
function waterHeater(flat: Flat, from: number, to: number): void {
  for (let n = from; n < to; n++) for (const hhmm of ['01:52', '05:52', '09:52', '13:52', '17:52', '21:52']) flat.load(at(`${dayOf(n)} ${hhmm}`), 10, 2000);
}

/**
 * An ordinary day: up at `up` (a flush, the kettle, a shower), out through the door mid-morning and
 * back by card, the rice cooker, water through the day, a cup of tea, the TV in the evening. Her
 * times move by up to 20 minutes from day to day, as a person's do (a load switched on at the same
 * minute every day is a timer's).
 */
function ordinaryDay(flat: Flat, n: number, up = '07:00'): void {
  const day = dayOf(n);
  const t = (hhmm: string, k: number) => at(`${day} ${hhmm}`) + ((((n * 37 + k * 53) % 41) + 41) % 41 - 20) * MINUTE;
  const u = at(`${day} ${up}`);
  flat.water(u, 10).load(u + 5 * MINUTE, 3, 1800).water(u + 30 * MINUTE, 40);
  flat.door(t('09:30', 1), 'out').door(t('10:45', 2), 'in');
  flat.load(t('11:30', 3), 30, 700).water(t('12:00', 4), 10).water(t('15:00', 5), 10).load(t('15:30', 6), 3, 1800);
  flat.water(t('18:00', 7), 12).load(t('19:00', 8), 150, 100).water(t('21:30', 9), 10);
}

function ordinaryDays(flat: Flat, from: number, to: number): void {
  for (let n = from; n < to; n++) ordinaryDay(flat, n);
}

describe('care rules in a real home, cause by cause', () => {
  it("appliances are not her: a water heater's reheats after a fall are not counted, the alert says so, and they never clear it; the door does", () => {
    const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false } });
    waterHeater(flat, 0, 6);
    ordinaryDays(flat, 0, 4);
    // Friday: up at 07:00, water at 12:30, then she falls. The frost-free fridge defrosts at 22:30.
    flat.water(at('2026-03-06 07:00'), 10).load(at('2026-03-06 07:05'), 3, 1800).water(at('2026-03-06 12:30'), 10);
    flat.load(at('2026-03-06 22:30'), 20, 380);
    flat.door(at('2026-03-07 09:00'), 'in'); // the housekeeper
    flat.liveTo(at('2026-03-07 12:00'));

    expect(brief(flat.care())).toEqual(['03-06 18:30 raised household_care hh-1', '03-07 09:00 cleared household_care hh-1']);
    const [raised, cleared] = flat.care();
    expect(raised!.reason.en).toContain('no activity for 6 h since 12:30 (daytime limit 6 h)');
    expect(raised!.reason.en).toContain('Not counted as activity: 2.0 kW self-starting load (water heater?) at 13:55, 17:55.');
    expect(raised!.reason.zh).toContain('未计为活动');
    // Six reheats and a defrost while it was open: none cleared it, nor updated it as "active".
    expect(cleared!.evidence.cleared_by).toBe('door');
    expect(flat.bench.alerts.filter((alert) => alert.evidence.cleared_by === 'electricity')).toEqual([]);
  });

  it("a fridge's defrost and recovery run handing over to the water heater on its 23:00 timer hold the power floor up for 90 minutes: that is not a small load of hers, and the call after her evening fall is not put off to the morning", () => {
    const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false } }, { standingW: 52 });
    for (let n = 0; n < 6; n++) {
      // The fridge's compressor (140 W) runs 15 minutes in every 40; the night-tariff water heater
      // (2.5 kW) comes on at 23:00 and reheats the tank for 45 minutes.
      for (let minute = 0; minute < 24 * 60; minute += 40) if (n !== 4 || minute < 21 * 60 || minute > 23 * 60) flat.load(at(`${dayOf(n)} 00:00`) + minute * MINUTE, 15, 140);
      flat.load(at(`${dayOf(n)} 23:00`), 45, 2486);
    }
    ordinaryDays(flat, 0, 4);
    // Friday: up at 07:00, water till 16:30, then she falls. At 22:02 the compressor starts, the
    // defrost heater (+195 W, under a switch-on) follows at 22:16, and the recovery run after it lasts
    // until the water heater comes on: the lowest reading of 22:05-23:35 is the compressor's.
    flat.water(at('2026-03-06 07:00'), 10).load(at('2026-03-06 07:05'), 3, 1800).water(at('2026-03-06 12:00'), 10).water(at('2026-03-06 16:30'), 10);
    flat.load(at('2026-03-06 22:02'), 14, 140).load(at('2026-03-06 22:16'), 16, 335).load(at('2026-03-06 22:32'), 34, 140).load(at('2026-03-06 23:34'), 12, 140);
    flat.door(at('2026-03-07 09:00'), 'in'); // the housekeeper
    flat.liveTo(at('2026-03-07 12:00'));

    const care = flat.care();
    // Counted from 22:05 as her, the floor's rise put the call past the housekeeper's 09:00 visit.
    expect(brief(care)).toEqual(['03-06 22:30 raised household_care hh-1', '03-07 09:00 cleared household_care hh-1']);
    expect(care[0]!.reason.en).toContain('since 16:30');
    expect(care[0]!.reason.en).toContain('held up only while the home\'s own machines ran');
    expect(care[0]!.reason.zh).toContain('底电抬升');
  });

  it("her TV under the water heater's reheat is still her: the reheat's own watts are taken off the floor, not the whole rise", () => {
    const afternoons = (withTv: boolean) => {
      const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false } });
      waterHeater(flat, 0, 7);
      for (let n = 0; n < 7; n++) {
        const t = (hhmm: string) => at(`${dayOf(n)} ${hhmm}`);
        flat.water(t('07:00'), 10).load(t('07:00'), 60, 30).water(t('12:00'), 10).water(t('19:00'), 10).load(t('19:00'), 180, 110).water(t('21:30'), 10);
        // The TV from 13:00 to 14:45: its floor rise is found at 14:30, with the 13:52 reheat in the window.
        if (withTv) flat.load(t('13:00'), 105, 80);
      }
      return flat.liveTo(at('2026-03-09 00:00'));
    };
    expect(afternoons(true).care()).toEqual([]);
    expect(afternoons(false).care().length).toBeGreaterThan(0);
  });

  it('meter resolution: a tap left running at 3 L/min, read as 10, 20, 10 L steps, is one steady flow, not a stream of new uses', () => {
    const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false } });
    ordinaryDays(flat, 0, 3);
    // Thursday: up at 07:00, the kettle at 07:05; at 09:40 she opens the bathroom tap and falls.
    flat.water(at('2026-03-05 07:00'), 10).load(at('2026-03-05 07:05'), 3, 1800).tap(at('2026-03-05 09:40'), 620, 3);
    flat.door(at('2026-03-05 20:00'), 'in');
    flat.liveTo(at('2026-03-05 22:00'));

    const care = flat.care();
    expect(brief(care)).toEqual(['03-05 13:05 raised household_care hh-1', '03-05 20:00 cleared household_care hh-1']);
    expect(care[0]!.reason.en).toContain('no activity for 6 h since 07:05');
    expect(care[0]!.reason.en).toContain('Water has run steadily (about 3 L/min) since 09:45');
    // The water itself is facilities' business: the leak rule reports it apart.
    expect(flat.bench.alerts.filter((alert) => alert.category === 'water_leak' && alert.state === 'raised')).toHaveLength(1);
  });

  it('a late morning of a regular early riser (up, nothing used till 09:30) is waited for until 4 h after her usual window; a morning without her is raised then, before noon', () => {
    const flat = new Flat(at(`${START} 00:00`));
    for (let n = 0; n < 28; n++) ordinaryDay(flat, n, n % 2 ? '06:20' : '06:00');
    // Monday 03-30: up after a bad night, and the tap and the kettle not before 09:30
    ordinaryDay(flat, 28, '09:30');
    flat.liveTo(at('2026-03-30 13:00'));
    // Her window is 06:00-06:20: checked at 08:20 she would have been called on.
    expect(flat.bench.alerts).toEqual([]);

    flat.liveTo(at('2026-03-31 13:00')); // Tuesday: nothing at all
    const care = flat.care();
    expect(brief(care)[0]).toBe('03-31 10:20 raised household_care hh-1');
  });

  it('a switch-on still being judged holds the morning check no later than latest_check: a water heater reheating at 11:01 after a night fall does not put the call past noon', () => {
    const flat = new Flat(at(`${START} 00:00`));
    for (let n = 0; n < 28; n++) ordinaryDay(flat, n, n % 2 ? '09:30' : '09:00');
    // Monday 03-30: nothing of her since the evening; the water heater reheats at 11:01 for 40 min
    flat.load(at('2026-03-30 11:01'), 40, 2500);
    flat.liveTo(at('2026-03-30 13:00'));
    const care = flat.care();
    // Her window ends 09:30: the check is at latest_check (11:30), where the heater, on for an hour
    // before it is set aside, held it past noon (to 12:06) before.
    expect(brief(care)[0]).toBe('03-30 11:30 raised household_care hh-1');
    expect(care[0]!.evidence.check).toBe('morning_check');
  });

  it('a morning check held for a switch-on speaks at the time it was made: held from 11:00 to latest_check, it says none by 11:30', () => {
    const flat = new Flat(at(`${START} 00:00`));
    for (let n = 0; n < 28; n++) ordinaryDay(flat, n, n % 2 ? '07:00' : '06:40');
    // Monday 03-30: nothing of her since the evening; the water heater reheats at 10:50 for 40 min
    flat.load(at('2026-03-30 10:50'), 40, 2500);
    flat.liveTo(at('2026-03-30 13:00'));
    const care = flat.care();
    // Due at 11:00 (her window ends 07:00, and 4 h are given to a late morning), held by the reheat.
    expect(brief(care)[0]).toBe('03-30 11:30 raised household_care hh-1');
    expect(care[0]!.evidence).toMatchObject({ check: 'morning_check', checked_at: '11:30' });
    expect(care[0]!.reason.en).toContain('none by 11:30');
    expect(care[0]!.reason.zh).toContain('到 11:30 仍无任何活动');
  });

  it('weekday routine: four weeks of Saturday and Sunday lie-ins to 09:00 raise nothing; a Monday without her by her weekday hour does', () => {
    const flat = new Flat(at(`${START} 00:00`));
    for (let n = 0; n < 28; n++) {
      const weekend = n % 7 >= 5;
      ordinaryDay(flat, n, weekend ? (n % 2 ? '09:10' : '08:50') : n % 2 ? '06:40' : '06:20');
    }
    flat.liveTo(at('2026-03-30 00:00'));
    expect(flat.bench.alerts).toEqual([]);

    flat.liveTo(at('2026-03-30 12:00')); // Monday: nothing at all
    const care = flat.care();
    // her weekday window ends 06:40, and a late morning is waited for 4 h: by then her overnight
    // limit has passed too, and it raises at her weekday morning check (her weekend one is 11:30)
    expect(brief(care)[0]).toBe('03-30 10:40 raised household_care hh-1');
    expect(care[0]!.evidence).toMatchObject({ check: 'inactivity', limit_window: 'night', waited_for_morning_check: '10:40' });
    expect(care[0]!.reason.en).toContain('overnight limit 12 h, waited for the usual morning');
  });

  it('"not back yet" ends only on the door: a registered trip she returns from a day late gets one "check on" saying the return was missed, which the water heater does not clear', () => {
    const flat = new Flat(at(`${START} 00:00`), { away_periods: [{ from: '2026-03-05T09:00:00+08:00', to: '2026-03-07T12:00:00+08:00', reason: 'travel' }] });
    waterHeater(flat, 0, 10);
    ordinaryDays(flat, 0, 3);
    flat.water(at('2026-03-05 07:00'), 10).door(at('2026-03-05 09:05'), 'out');
    // Home on Sunday 03-08 at 15:00 instead of Saturday noon, and her evening as usual.
    flat.door(at('2026-03-08 15:00'), 'in').water(at('2026-03-08 15:10'), 10).water(at('2026-03-08 18:00'), 12).load(at('2026-03-08 19:00'), 150, 100).water(at('2026-03-08 21:30'), 10);
    ordinaryDays(flat, 7, 10);
    flat.liveTo(at('2026-03-11 23:00'));

    const care = flat.care();
    expect(brief(care)).toEqual(['03-07 21:00 raised household_care hh-1', '03-08 15:00 cleared household_care hh-1']);
    expect(care[0]!.severity).toBe('minor');
    expect(care[0]!.evidence.check).toBe('not_back');
    expect(care[0]!.reason.en).toContain('registered away (travel) until 12:00, and not back through the door since');
    expect(care[0]!.reason.en).toContain('the registered return was missed');
    expect(care[0]!.reason.en).toContain('Not counted as activity: 2.0 kW self-starting load (water heater?)');
    expect(care[1]!.evidence.cleared_by).toBe('door');
  });

  it("a quiet, frugal resident: the TV she switches on (80 W, never near 300 W) counts, against her own night's standby; the same afternoon without it is a quiet one", () => {
    const afternoons = (withTv: boolean) => {
      const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false } });
      for (let n = 0; n < 7; n++) {
        const t = (hhmm: string) => at(`${dayOf(n)} ${hhmm}`);
        flat.water(t('07:00'), 10).load(t('07:00'), 60, 30).water(t('12:00'), 10).water(t('19:00'), 10).load(t('19:00'), 180, 110).water(t('21:30'), 10);
        if (withTv) flat.load(t('13:00'), 150, 80).load(t('16:00'), 150, 80);
      }
      return flat.liveTo(at('2026-03-09 00:00'));
    };
    expect(afternoons(true).bench.alerts).toEqual([]);
    const quiet = afternoons(false);
    expect(brief(quiet.care()).slice(0, 2)).toEqual(['03-02 18:00 raised household_care hh-1', '03-02 19:00 cleared household_care hh-1']);
  });

  it('a dead door controller is reported as the device, not as the resident: her card at the gate twice with no door event', () => {
    const flat = new Flat(at(`${START} 00:00`));
    for (let n = 0; n < 7; n++) {
      ordinaryDay(flat, n);
      flat.gate(at(`${dayOf(n)} 09:35`)).gate(at(`${dayOf(n)} 10:40`));
    }
    flat.liveTo(at('2026-03-09 00:00'));
    // From Monday the controller is dead: she goes out and comes home as always, and it says nothing.
    const dead = new Flat(at(`${START} 00:00`));
    for (let n = 0; n < 10; n++) {
      ordinaryDay(dead, n);
      dead.gate(at(`${dayOf(n)} 09:35`)).gate(at(`${dayOf(n)} 10:40`));
    }
    dead.liveTo(at('2026-03-09 00:00'));
    dead.dropDoorEventsFrom(at('2026-03-09 00:00'));
    dead.liveTo(at('2026-03-12 00:00'));

    expect(flat.bench.alerts).toEqual([]);
    expect(brief(dead.bench.alerts)).toEqual(['03-09 14:00 raised household_care door-hh-1']);
    const alert = dead.bench.alerts[0]!;
    expect(alert).toMatchObject({ category: 'device_offline', severity: 'minor', subject: { kind: 'device', id: 'door-hh-1' } });
    expect(alert.reason.en).toContain('the household\'s card was used at the estate gate at 09:35, 10:40 with no door event around it');
    expect(dead.care()).toEqual([]);
  });

  it('an estate-wide power cut: one alert for the bus naming how many meters, theirs held behind it, cleared when they read again', () => {
    const meters: DeviceInfo[] = Array.from({ length: 12 }, (_, index) => ({
      id: `em-${index + 1}`,
      subject: { kind: 'unit', id: `hh-${index + 1}` },
      profile: 'eastron_sdm120',
      kind: 'electricity_meter',
      pollIntervalMs: 5 * MINUTE,
      bus: 'rs485-1',
    }));
    const bench = new Bench({ rules: [createDeviceOfflineRule()], devices: meters, config: rulesConfig() });
    // The last reading before the cut at 13:55: three polls missed by 14:10.
    const cut = { from: at(`${START} 14:00`), to: at(`${START} 17:00`) };
    for (let time = at(`${START} 08:00`); time <= at(`${START} 20:00`); time += 5 * MINUTE) {
      if (time >= cut.from && time < cut.to) bench.advanceTo(time);
      else for (const meter of meters) bench.frame(powerFrame(meter, time, 150, 1000 + time / 3_600_000_000));
    }
    expect(brief(bench.alerts)).toEqual(['03-02 14:10 raised device_offline bus-rs485-1', '03-02 17:00 cleared device_offline bus-rs485-1']);
    expect(bench.alerts[0]!.reason.en).toContain('12 of its 12 devices');
  });

  it("a registered carer's door use inside her window does not restart the quiet clock: a resident fallen after 08:00 is called at 14:00, not six hours after the carer left", () => {
    const flat = new Flat(at(`${START} 00:00`), { inactivity: { learn_quiet: false }, visits: [{ from: '10:00', to: '11:00', who: 'carer' }] });
    ordinaryDays(flat, 0, 3);
    flat.water(at('2026-03-05 07:00'), 10).water(at('2026-03-05 08:00'), 10);
    flat.door(at('2026-03-05 10:15'), 'in').door(at('2026-03-05 10:50'), 'out'); // the carer, who did not find her
    flat.liveTo(at('2026-03-05 20:00'));

    expect(brief(flat.care())).toEqual(['03-05 14:00 raised household_care hh-1']);
    expect(flat.care()[0]!.reason.en).toContain('no activity for 6 h since 08:00');
  });

  it('an illness: three weeks as usual, then she stays in with a third of her water and no cooking; a gentler "check on" within 36 h of her first ill morning', () => {
    const flat = new Flat(at(`${START} 00:00`));
    ordinaryDays(flat, 0, 21);
    for (let n = 21; n < 26; n++) {
      const t = (hhmm: string) => at(`${dayOf(n)} ${hhmm}`);
      flat.water(t('08:30'), 10).water(t('13:00'), 10).water(t('18:30'), 10).load(t('19:00'), 150, 100);
    }
    flat.liveTo(at('2026-03-28 00:00'));

    const onset = at('2026-03-23 08:30');
    const care = flat.care();
    expect(care.length).toBeGreaterThan(0);
    const first = care[0]!;
    expect(first).toMatchObject({ state: 'raised', severity: 'minor', evidence: expect.objectContaining({ check: 'decline' }) });
    expect(Date.parse(first.event_time) - onset, local(first.event_time)).toBeLessThanOrEqual(36 * 60 * MINUTE);
    expect(first.reason.en).toContain('much less active than usual over the last 24 h');
    expect(first.reason.en).toContain('a call or a check-on visit is suggested');
  });

  it('a milder illness: she stays in, with under half her water and no cooking, yet still puts the kettle on twice a day (two thirds of her switch-ons); the "check on" comes within 36 h', () => {
    const flat = new Flat(at(`${START} 00:00`));
    ordinaryDays(flat, 0, 21);
    for (let n = 21; n < 26; n++) {
      const t = (hhmm: string) => at(`${dayOf(n)} ${hhmm}`);
      flat.water(t('08:30'), 10).load(t('08:35'), 3, 1800).water(t('13:00'), 10).load(t('15:30'), 3, 1800).water(t('18:00'), 10).water(t('21:30'), 10);
    }
    flat.liveTo(at('2026-03-28 00:00'));

    const first = flat.care()[0];
    expect(first).toMatchObject({ state: 'raised', severity: 'minor', evidence: expect.objectContaining({ check: 'decline' }) });
    expect(Date.parse(first!.event_time) - at('2026-03-23 08:30'), local(first!.event_time)).toBeLessThanOrEqual(36 * 60 * MINUTE);
    // Her switch-ons alone are two thirds of usual: each kind of use is down, and all of them together by about half.
    expect(first!.evidence).toMatchObject({ switch_ons_24h: 2 });
  });
});
