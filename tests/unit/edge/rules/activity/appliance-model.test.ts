import { describe, expect, it } from 'vitest';
import { judgeSwitchOn, noteSwitchOff, settleStopped, type ApplianceModel, type LearnedLoad } from '../../../../../edge/rules/activity/appliance-model.js';

const MINUTE = 60_000;
/** 02:00 at UTC+8, in the household's sleep hours. */
const NIGHT = Date.parse('2026-03-20T18:00:00.000Z');
const OFFSET_MIN = 480;
/** What the home draws after a step down: its standby loads. */
const STANDBY_W = 45;

/** A water heater that has reheated by itself on three nights, 20 minutes each, and is off. */
function heaterModel(): ApplianceModel {
  let model: ApplianceModel | undefined;
  for (let night = 0; night < 3; night++) {
    const at = NIGHT + night * 24 * 60 * MINUTE;
    model = judgeSwitchOn(model, { at, watts: 2_050, utcOffsetMin: OFFSET_MIN, sleeping: true, lastSignAt: undefined }).model;
    model = noteSwitchOff(model, at + 20 * MINUTE, 2_050, STANDBY_W).model;
  }
  return model!;
}

const loadOf = (model: ApplianceModel, watts: number): LearnedLoad => model.loads.find((load) => Math.abs(load.w - watts) < 50)!;

describe("a home's self-starting loads: which one goes off", () => {
  it('a step down is the running load of its size, not an idle one nearer in size', () => {
    // As in a simulated home (seed 13, hh-05): a 1,908 W load idle, and a 2,164 W one (the water
    // heater, learned mostly from steps with a fridge compressor starting in the same poll) on since
    // 02:00. Twenty minutes later the heater goes off on its own: a step down of 2,020 W, 112 W from
    // the idle load's size and 144 W from the running one's, within the tolerance of both.
    const idle: LearnedLoad = { w: 1_908, n: 20, nights: [], recent: [NIGHT - 6 * 60 * MINUTE], off: NIGHT - 6 * 60 * MINUTE + 10 * MINUTE };
    const running: LearnedLoad = { w: 2_164, n: 5, nights: [], recent: [NIGHT], on: { at: NIGHT, night: true, automatic: true } };
    const off = noteSwitchOff({ loads: [idle, running] }, NIGHT + 20 * MINUTE, 2_020, STANDBY_W);
    expect(off.model.loads[0]).toEqual(idle);
    expect(off.model.loads[1]!.on).toBeUndefined();
    expect(off.model.loads[1]!.off).toBe(NIGHT + 20 * MINUTE);
    expect(off.model.loads[1]!.durations).toEqual([20 * MINUTE]);
  });

  it('a load the meter rules out is no longer on, so a missed switch-off is not taken for a run of days', () => {
    const fourthNight = NIGHT + 3 * 24 * 60 * MINUTE;
    const on = judgeSwitchOn(heaterModel(), { at: fourthNight, watts: 2_050, utcOffsetMin: OFFSET_MIN, sleeping: true, lastSignAt: undefined }).model;
    expect(settleStopped(on, 2_120)).toBe(on);
    // Its step down was lost (a poll missed, or a kettle switched on in the same poll): the home draws 45 W.
    const settled = settleStopped(on, 45)!;
    expect(loadOf(settled, 2_050).on).toBeUndefined();
    // Two days later a step down of its size records no run, and the next real reheat is the machine's.
    const late = noteSwitchOff(settled, fourthNight + 2 * 24 * 60 * MINUTE, 2_050, STANDBY_W);
    expect(loadOf(late.model, 2_050).durations).toEqual([20 * MINUTE, 20 * MINUTE, 20 * MINUTE]);
    const fifthNight = fourthNight + 3 * 24 * 60 * MINUTE;
    const reheat = judgeSwitchOn(late.model, { at: fifthNight, watts: 2_050, utcOffsetMin: OFFSET_MIN, sleeping: true, lastSignAt: undefined });
    expect(reheat.discount).toBe('automatic');
    expect(noteSwitchOff(reheat.model, fifthNight + 15 * MINUTE, 2_050, STANDBY_W).misjudged).toBeUndefined();
  });
});
