import { describe, expect, it } from 'vitest';
import { brief, local } from '../care/harness.js';
import { arriving, leaving, type Act } from './acts.js';
import { EARLY_RISER, EARLY_RISER_PROFILE } from './routines.js';
import { dayAt, runScenario, scenarioInputs, type Scenario } from './scenario.js';

const UNIT = EARLY_RISER.unitId;
const home = [{ routine: EARLY_RISER, profile: EARLY_RISER_PROFILE }];

/** The first poll at which the water used since local midnight of `day` exceeds `litres` (the daily-volume reference). */
function firstFrameAbove(scenario: Scenario, day: number, litres: number): number {
  const frames = scenarioInputs(scenario).flatMap((input) =>
    input.kind === 'readings' && input.frame.device_id === `wm-${UNIT}` ? [{ at: Date.parse(input.frame.event_time), m3: input.frame.readings[0]!.value }] : [],
  );
  const midnight = frames.find((frame) => frame.at === dayAt(day, '00:00'))!;
  return frames.find((frame) => frame.at > midnight.at && (frame.m3 - midnight.m3) * 1000 > litres)!.at;
}

const tap = (from: number, minutes: number, litresPerMin = 8): Act => ({ kind: 'water', at: from, litres: litresPerMin * minutes, minutes, what: 'tap left open' });

describe('water', () => {
  it('a tap left open 15:00-17:30 while she carries on: a leak when the day passes 1000 L, no care visit; over at midnight', () => {
    const scenario: Scenario = { homes: home, days: 19, seed: 21, extra: [{ unitId: UNIT, acts: [tap(dayAt(17, '15:00'), 150)] }] };
    const alerts = runScenario(scenario);
    const crossing = firstFrameAbove(scenario, 17, 1000);
    expect(brief(alerts)).toEqual([`${local(crossing)} raised water_leak hh-early`, '03-20 00:05 cleared water_leak hh-early']);
    expect(alerts[0]).toMatchObject({ category: 'water_leak', severity: 'major', evidence: { condition: 'daily_volume', max_litres_per_day: 1000 } });
    expect(alerts[0]!.reason.en).toMatch(/^Water meter wm-hh-early of household hh-early: 10\d\d L used today, above the daily limit of 1000 L\. A leak or a tap left running\?$/);
    expect(alerts[1]!.evidence.cleared_by).toBe('new_day');
  });

  it('a tap left open by a resident who falls: the leak for facilities, and care_visit 6 h after her last activity before the tap (steady flow is not activity), naming the running water', () => {
    const scenario: Scenario = {
      homes: home,
      days: 17,
      seed: 21,
      quiet: [{ unitId: UNIT, from: dayAt(15, '13:50'), to: dayAt(15, '20:30') }],
      // 13:55 the kitchen tap, then the fall; the housekeeper at 20:30 turns the tap off.
      extra: [{ unitId: UNIT, acts: [tap(dayAt(15, '13:55'), 6 * 60 + 35), ...arriving(dayAt(15, '20:30'), 'housekeeper')] }],
    };
    const alerts = runScenario(scenario);
    expect(brief(alerts)).toEqual([
      `${local(firstFrameAbove(scenario, 15, 1000))} raised water_leak hh-early`,
      // Last seen at 12:15 (a wash): the tap's first steps were taken back once it ran on for hours,
      // and the TV on from 12:55 for 90 minutes never held the power floor up for its whole window.
      '03-17 18:15 raised household_care hh-early',
      '03-17 20:30 cleared household_care hh-early',
      '03-18 00:05 cleared water_leak hh-early',
    ]);
    const care = alerts[1]!;
    expect(care.evidence).toMatchObject({ check: 'inactivity', limit_h: 6, limit_window: 'day', water_running_since: '2026-03-17T06:00:00.000Z', water_running_l_per_min: 8 });
    expect(care.reason.en).toContain('no activity for 6 h since 12:15 (daytime limit 6 h)');
    expect(care.reason.en).toContain('Water has run steadily (about 8 L/min) since 14:00: a tap may have been left on; steady flow is not counted as activity.');
    expect(care.reason.zh).toContain('自 14:00 起持续用水未停（约 8 升/分钟），可能水龙头未关；持续水流不计为活动。');
  });

  it('a running cistern (18 L/h) from 05:00: a leak after 12 h of use in every 30-minute slot, over once a slot goes dry', () => {
    const scenario: Scenario = {
      homes: home,
      days: 21,
      seed: 21,
      quiet: [
        { unitId: UNIT, from: dayAt(18, '04:00'), to: dayAt(18, '05:00') },
        { unitId: UNIT, from: dayAt(19, '13:50'), to: dayAt(19, '16:30') },
      ],
      // The plumber fixes it at 15:00 on day 19 while she is out.
      extra: [{ unitId: UNIT, acts: [tap(dayAt(18, '05:00'), 34 * 60, 0.3), ...leaving(dayAt(19, '14:00')), ...arriving(dayAt(19, '16:30'))] }],
    };
    const alerts = runScenario(scenario);
    expect(brief(alerts)).toEqual(['03-20 17:00 raised water_leak hh-early', '03-21 15:30 cleared water_leak hh-early']);
    expect(alerts[0]!.evidence).toMatchObject({ condition: 'continuous_flow', running_since: '2026-03-19T21:00:00.000Z', run_h: 12, slot_min: 30, limit_h: 12 });
    expect(alerts[0]!.reason.en).toMatch(/^Water meter wm-hh-early of household hh-early: water used in every 30-minute slot for 12 h since 05:00 \(\d+ L, about \d+ L\/h\)\. A leak or a tap left running\?$/);
    expect(alerts[1]!.evidence.cleared_by).toBe('flow_stopped');
  });
});
