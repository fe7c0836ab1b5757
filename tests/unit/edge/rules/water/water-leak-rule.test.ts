import { describe, expect, it } from 'vitest';
import type { ReadingItem } from '../../../../../shared/contract/index.js';
import { toWireTime } from '../../../../../shared/contract/index.js';
import type { ReadingFrame } from '../../../../../edge/model/device-data.js';
import type { DeviceInfo } from '../../../../../edge/rules/rule.js';
import { createWaterLeakRule } from '../../../../../edge/rules/water/water-leak-rule.js';
import { at, Bench, brief, home, MINUTE, rulesConfig, waterFrame } from '../../../../rules/care/harness.js';

const MAIN: DeviceInfo = { id: 'flow-b1', subject: { kind: 'asset', id: 'main-b1' }, profile: 'tuf2000_flow_meter', kind: 'water_meter', pollIntervalMs: 5 * MINUTE };

/** A TUF-2000 frame: flow in m3/h, the totalizer in whole m3 plus its fraction. */
function mainFrame(time: number, flowM3h: number, totalM3: number): ReadingFrame {
  const reading = (point: string, value: number, unit: ReadingItem['unit']): ReadingItem => ({ id: `${point}-${time}`, device_id: MAIN.id, point, value, unit, event_time: toWireTime(time) });
  return {
    device_id: MAIN.id,
    subject: MAIN.subject,
    event_time: toWireTime(time),
    readings: [reading('flow_rate', flowM3h, 'm3/h'), reading('forward_total', Math.floor(totalM3), 'm3'), reading('forward_total_fraction', totalM3 % 1, 'm3')],
  };
}

describe('water leak rule', () => {
  it('leaves a water main alone unless it is listed, then watches it on its own limits', () => {
    const run = (water: Record<string, unknown>) => {
      const bench = new Bench({ rules: [createWaterLeakRule()], devices: [MAIN], config: rulesConfig({ water }) });
      let total = 500;
      for (let time = at('2026-03-02 00:00'); time <= at('2026-03-03 02:00'); time += 5 * MINUTE) {
        total += 0.5; // 6 m3/h through the night and the day: a building's normal draw
        bench.frame(mainFrame(time, 6, total));
      }
      return brief(bench.alerts);
    };
    expect(run({})).toEqual([]);
    // listed with the household defaults it trips: 1000 L a day by 00:15, every slot for 12 h by
    // noon, 1000 L again the next day (the limits must be set for a main)
    expect(run({ subjects: [{ kind: 'asset', id: 'main-b1' }] })).toEqual([
      '03-02 00:15 raised water_leak main-b1',
      '03-02 12:00 updated water_leak main-b1',
      '03-03 00:15 updated water_leak main-b1',
    ]);
    expect(run({ subjects: [{ kind: 'asset', id: 'main-b1', continuous_flow: { enabled: false }, daily_volume: { max_litres: 200_000 } }] })).toEqual([]);
  });

  it('one leak episode for both conditions: raised on the first, updated by the second, over only when both are', () => {
    const h = home('hh-1');
    const bench = new Bench({ rules: [createWaterLeakRule()], devices: h.devices, config: rulesConfig({ water: { unit_defaults: { continuous_flow: { hours: 2 } } } }) });
    let m3 = 100;
    const poll = (from: number, to: number, litresPerPoll: number) => {
      for (let time = from; time <= to; time += 5 * MINUTE) {
        m3 += litresPerPoll / 1000;
        bench.frame(waterFrame(h.water, time, m3));
      }
    };
    poll(at('2026-03-02 06:00'), at('2026-03-02 06:00'), 0);
    poll(at('2026-03-02 06:05'), at('2026-03-02 09:00'), 30); // 360 L/h from 06:00
    expect(brief(bench.alerts)).toEqual(['03-02 08:00 raised water_leak hh-1', '03-02 08:50 updated water_leak hh-1']);
    expect(bench.alerts[1]!.evidence).toMatchObject({ condition: 'continuous_flow,daily_volume', run_h: 2.5, today_litres: 1020 });
    expect(bench.alerts[1]!.reason.en).toBe(
      'Water meter wm-hh-1 of household hh-1: water used in every 30-minute slot for 2.5 h since 06:00 (900 L, about 360 L/h); 1020 L used today, above the daily limit of 1000 L. A leak or a tap left running?',
    );
    poll(at('2026-03-02 09:05'), at('2026-03-02 10:00'), 0); // turned off: a dry slot, but the day is over the limit
    expect(bench.alerts).toHaveLength(2);
    poll(at('2026-03-02 10:05'), at('2026-03-03 00:10'), 0);
    expect(brief(bench.alerts).slice(2)).toEqual(['03-03 00:05 cleared water_leak hh-1']);
  });

  it('a meter that goes silent neither ends the leak nor lengthens it', () => {
    const h = home('hh-1');
    const bench = new Bench({ rules: [createWaterLeakRule()], devices: h.devices, config: rulesConfig({ water: { unit_defaults: { continuous_flow: { hours: 1 }, daily_volume: { enabled: false } } } }) });
    let m3 = 100;
    const poll = (from: number, to: number, litres: number) => {
      for (let time = from; time <= to; time += 5 * MINUTE) bench.frame(waterFrame(h.water, time, (m3 += litres / 1000)));
    };
    poll(at('2026-03-02 06:00'), at('2026-03-02 07:00'), 1);
    expect(brief(bench.alerts)).toEqual(['03-02 07:00 raised water_leak hh-1']);
    bench.offline(h.water.id, at('2026-03-02 07:03'));
    poll(at('2026-03-02 09:00'), at('2026-03-02 09:25'), 1); // back: used meanwhile, so not known slot by slot
    expect(bench.alerts).toHaveLength(1);
    poll(at('2026-03-02 09:30'), at('2026-03-02 10:00'), 0);
    expect(brief(bench.alerts)).toEqual(['03-02 07:00 raised water_leak hh-1', '03-02 10:00 cleared water_leak hh-1']);
  });
});
