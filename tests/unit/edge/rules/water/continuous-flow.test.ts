import { describe, expect, it } from 'vitest';
import { addInterval, runHours, slotIndex, slotStart, type FlowSlotParams, type FlowSlots } from '../../../../../edge/rules/water/continuous-flow.js';
import { addToDay, type DayVolume } from '../../../../../edge/rules/water/daily-volume.js';
import type { WaterInterval } from '../../../../../edge/rules/water/water-interval.js';
import { at, local, MINUTE } from '../../../../rules/care/harness.js';

const params: FlowSlotParams = { slotMs: 30 * MINUTE, utcOffsetMin: 480, minLitresPerSlot: 0 };
const T = at('2026-03-02 00:00');

/** Polls every `every` minutes from `from`, each interval's litres from `litres(i)`. */
function feed(count: number, litres: (index: number) => number | undefined, every = 5, from = T, start?: FlowSlots) {
  let slots = start;
  let dry = 0;
  for (let index = 0; index < count; index++) {
    const to = from + (index + 1) * every * MINUTE;
    const interval: WaterInterval = { from: to - every * MINUTE, to, litres: litres(index), bridged: false, flowing: false };
    const verdict = addInterval(slots, interval, params);
    slots = verdict.slots;
    if (verdict.drySlotSeen) dry++;
  }
  return { slots: slots!, dry };
}

describe('continuous flow: use in every slot', () => {
  it('slots start on local time', () => {
    expect(local(slotStart(slotIndex(at('2026-03-02 07:44'), params), params))).toBe('03-02 07:30');
  });

  it('counts consecutive used slots, closed at their end', () => {
    const start = addInterval(undefined, { from: undefined, to: T, litres: undefined, bridged: false, flowing: false }, params).slots;
    const { slots, dry } = feed(12 * 24, () => 0.2, 5, T, start);
    expect(runHours(slots, params)).toBe(24);
    expect(slots.run).toMatchObject({ from: slotIndex(T, params), slots: 48 });
    expect(slots.run!.litres).toBeCloseTo(0.2 * 288);
    expect(dry).toBe(0);
  });

  it('one dry slot ends the run and says the flow stopped', () => {
    const start = addInterval(undefined, { from: undefined, to: T, litres: undefined, bridged: false, flowing: false }, params).slots;
    const { slots, dry } = feed(36, (index) => (index >= 18 && index < 24 ? 0 : 1), 5, T, start);
    expect(dry).toBe(1);
    expect(slots.run).toMatchObject({ slots: 2 });
  });

  it('a slot not watched whole breaks the run without saying the flow stopped', () => {
    const start = addInterval(undefined, { from: undefined, to: T, litres: undefined, bridged: false, flowing: false }, params).slots;
    const { slots, dry } = feed(36, (index) => (index === 10 ? undefined : 1), 5, T, start);
    expect(dry).toBe(0);
    expect(slots.run).toMatchObject({ from: slotIndex(T, params) + 2, slots: 4 });
  });

  it('shares an interval that straddles a slot boundary by time (polls every 7 minutes)', () => {
    const start = addInterval(undefined, { from: undefined, to: T + 2 * MINUTE, litres: undefined, bridged: false, flowing: false }, params).slots;
    const { slots } = feed(20, () => 7, 7, T + 2 * MINUTE, start);
    // 2 + 20 x 7 = 142 minutes: slots 00:30-01:00, 01:00-01:30, 01:30-02:00 closed whole
    expect(slots.run).toMatchObject({ from: slotIndex(T, params) + 1, slots: 3 });
    expect(slots.run!.litres).toBeCloseTo(90);
  });

  it('a bridged gap with the counter unchanged is dry throughout; one with water used is unknown', () => {
    const start = feed(12, () => 1).slots;
    const dryGap = addInterval(start, { from: T + 60 * MINUTE, to: T + 3 * 60 * MINUTE, litres: 0, bridged: true, flowing: false }, params);
    expect(dryGap.drySlotSeen).toBe(true);
    const wetGap = addInterval(start, { from: T + 60 * MINUTE, to: T + 3 * 60 * MINUTE, litres: 50, bridged: true, flowing: false }, params);
    expect(wetGap).toMatchObject({ drySlotSeen: false, slots: { whole: false } });
    expect(wetGap.slots.run).toBeUndefined();
  });
});

describe('daily volume', () => {
  it('adds the day\'s litres from local midnight, sharing an interval across midnight by time', () => {
    let day: DayVolume | undefined;
    day = addToDay(day, { from: at('2026-03-02 23:50'), to: at('2026-03-02 23:55'), litres: 10, bridged: false, flowing: false }, 480);
    expect(day.litres).toBe(10);
    day = addToDay(day, { from: at('2026-03-02 23:55'), to: at('2026-03-03 00:05'), litres: 10, bridged: false, flowing: false }, 480);
    expect(day).toEqual({ day: day.day, litres: 5 });
    day = addToDay(day, { from: at('2026-03-03 00:05'), to: at('2026-03-03 02:05'), litres: 100, bridged: true, flowing: false }, 480);
    expect(day.litres).toBe(105);
    expect(addToDay(day, { from: undefined, to: at('2026-03-03 02:10'), litres: undefined, bridged: false, flowing: false }, 480).litres).toBe(105);
  });
});
