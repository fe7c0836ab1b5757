import { describe, expect, it } from 'vitest';
import { FAINT_LOAD_W, SMALL_LOAD_W, stepFloor, type FloorStep, type PowerFloor } from '../../../../../edge/rules/activity/power-floor.js';

const MINUTE = 60_000;
const START = Date.parse('2026-02-19T10:00:00.000Z');

/**
 * Feeds one reading every 5 minutes (the DL/T 645 poll of the care tests' meters) from `from`
 * (minutes after START) for `minutes`, at `watts`; `blind` answers the faint-rise question for each
 * reading's minute. Returns the floor after the last reading and every rise reported on the way.
 */
function feed(
  floor: PowerFloor | undefined,
  from: number,
  minutes: number,
  watts: number,
  blind: (minute: number) => boolean = () => false,
): { floor: PowerFloor | undefined; rises: Array<NonNullable<FloorStep['rose']> & { reportedAt: number }> } {
  const rises: Array<NonNullable<FloorStep['rose']> & { reportedAt: number }> = [];
  for (let minute = from; minute < from + minutes; minute += 5) {
    const at = START + minute * MINUTE;
    const step = stepFloor(floor, at, watts, false, () => blind(minute));
    floor = step.floor;
    if (step.rose) rises.push({ ...step.rose, reportedAt: at });
  }
  return { floor, rises };
}

describe('the floor of a home\'s electricity', () => {
  it('a TV switched on is a small load, reported once the window is past, dated when it came on', () => {
    const standby = feed(undefined, 0, 120, 20);
    const tv = feed(standby.floor, 120, 180, 20 + SMALL_LOAD_W + 30);
    expect(tv.rises).toHaveLength(1);
    expect(tv.rises[0]!.watts).toBe(SMALL_LOAD_W + 30);
    expect(tv.rises[0]!.since).toBe(START + 120 * MINUTE);
  });

  it('a lamp (a faint rise) is news while the water meter is blind as it comes on', () => {
    const standby = feed(undefined, 0, 120, 20);
    const lamp = feed(standby.floor, 120, 180, 20 + FAINT_LOAD_W + 5, () => true);
    expect(lamp.rises.map((rise) => rise.since)).toEqual([START + 120 * MINUTE]);
  });

  it('a faint rise that was no news when it came is none hours later, when the water meter misses a poll', () => {
    // She fell in the evening with the TV and a lamp on: the floor stands 22 W above the low it
    // had before, all night; at dawn one poll of her water meter fails.
    const evening = feed(undefined, 0, 120, 81);
    const night = feed(evening.floor, 120, 10 * 60, 103);
    expect(night.rises).toEqual([]);
    const dawn = feed(night.floor, 120 + 10 * 60, 60, 103, () => true);
    expect(dawn.rises).toEqual([]);
  });

  it('faint rises that were no news still add up to a small load', () => {
    const standby = feed(undefined, 0, 120, 20);
    const lamp = feed(standby.floor, 120, 120, 20 + FAINT_LOAD_W + 5);
    expect(lamp.rises).toEqual([]);
    const tv = feed(lamp.floor, 240, 120, 20 + SMALL_LOAD_W + 5);
    expect(tv.rises).toHaveLength(1);
    expect(tv.rises[0]!.watts).toBe(SMALL_LOAD_W + 5);
  });
});
