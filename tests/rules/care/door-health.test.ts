import { describe, expect, it } from 'vitest';
import { doorSign, homeAfterCard, outingWithoutDoor, quietChance, withDoorEvent, withGateCard, withQuietEnded, type DoorHealth } from '../../../edge/rules/care/door-health.js';
import { DAY, HOUR, MINUTE } from './harness.js';

/**
 * A door controller's silence against a resident who stays in (edge/rules/care/door-health.ts):
 * four weeks watched, her door used on some days and her card at the estate gate on some, then
 * days without the door while water and electricity show her at home.
 */
const FIRST_DAY = 20_000;
const HISTORY_DAYS = 28;
const QUIET_DAYS = 3;
const time = (day: number, hours: number) => (FIRST_DAY + day) * DAY + hours * HOUR;
const WATCHED_SINCE = time(0, 0);
const LAST_DOOR = time(HISTORY_DAYS - 1, 16);

/** Her door on `doorDays` of the four weeks (the last one among them), her gate card on `gateDays` (every few of them). */
function history(doorDays: number, gateDays: number): DoorHealth {
  const spread = (count: number) => Array.from({ length: count }, (_, index) => FIRST_DAY + HISTORY_DAYS - 1 - Math.floor((index * HISTORY_DAYS) / count)).reverse();
  return { days: spread(doorDays), gate_days: spread(gateDays) };
}

/** The sign at 20:00 on the `quiet`-th day after her last door use. */
function signAfter(health: DoorHealth, quiet: number, lastDoor = LAST_DOOR, watchedSince = WATCHED_SINCE) {
  const now = lastDoor + quiet * DAY + 4 * HOUR;
  return doorSign(health, now, lastDoor, watchedSince, QUIET_DAYS, true, Math.floor(now / DAY));
}

describe('the door controller watch', () => {
  it('a resident who opened her door every day and seldom taps her gate card: three days without the door is the door', () => {
    expect(signAfter(history(28, 2), 2)).toBeUndefined();
    expect(signAfter(history(28, 2), 3)).toBe('quiet');
  });

  it('a resident out on two days of three: a week without the door is the door when she seldom taps her card, not when she taps it on her days out', () => {
    expect(signAfter(history(18, 0), 5)).toBeUndefined();
    expect(signAfter(history(18, 0), 7)).toBe('quiet');
    // No card at the gate for a week either: she stayed in.
    expect(signAfter(history(18, 15), 7)).toBeUndefined();
    expect(signAfter(history(18, 15), 10)).toBeUndefined();
  });

  it('five days watched, the door used on all of them: three days in is not yet the door, four are', () => {
    const lastDoor = time(4, 16);
    const health: DoorHealth = { days: [0, 1, 2, 3, 4].map((day) => FIRST_DAY + day) };
    expect(signAfter(health, 3, lastDoor)).toBeUndefined();
    expect(signAfter(health, 4, lastDoor)).toBe('quiet');
  });

  it('five days watched, her door and her card at the gate on some of them: a day-long quiet without the door is an outing it did not see, and her door use alone decides', () => {
    const lastDoor = time(4, 16);
    const health: DoorHealth = { days: [0, 1, 2, 3, 4].map((day) => FIRST_DAY + day), gate_days: [FIRST_DAY + 2, FIRST_DAY + 3] };
    expect(signAfter(health, 4, lastDoor)).toBeUndefined();
    const now = lastDoor + 4 * DAY + 4 * HOUR;
    expect(doorSign(health, now, lastDoor, WATCHED_SINCE, QUIET_DAYS, true, Math.floor(now / DAY), true)).toBe('quiet');
    expect(doorSign(health, now - DAY, lastDoor, WATCHED_SINCE, QUIET_DAYS, true, Math.floor((now - DAY) / DAY), true)).toBeUndefined();
  });

  it('one card at the gate with no door event: she went out unseen, and her door use alone decides, though her meters are not taken for her since', () => {
    const cardWithoutDoor: DoorHealth = { ...history(18, 15), unmatched: [LAST_DOOR + 3 * DAY] };
    const sign = (health: DoorHealth, quiet: number, lifeShown: boolean) => {
      const now = LAST_DOOR + quiet * DAY + 4 * HOUR;
      return doorSign(health, now, LAST_DOOR, WATCHED_SINCE, QUIET_DAYS, lifeShown, Math.floor(now / DAY));
    };
    expect(sign(cardWithoutDoor, 5, false)).toBeUndefined();
    expect(sign(cardWithoutDoor, 6, false)).toBe('quiet');
    expect(sign(history(18, 15), 6, false)).toBeUndefined();
    expect(sign(history(18, 15), 6, true)).toBeUndefined();
  });

  it('one card at the gate with no door event, and her water a day later: she is home, and nobody gets in or out without the door', () => {
    // She seldom uses her door and never stays in long without it: a quiet of three days says nothing yet.
    const card = LAST_DOOR + 3 * DAY;
    const health: DoorHealth = { ...history(12, 6), unmatched: [card] };
    const sign = (now: number, lastWaterAt: number | undefined) => doorSign(health, now, LAST_DOOR, WATCHED_SINCE, QUIET_DAYS, false, Math.floor(now / DAY), false, lastWaterAt);
    // Water within the day after the card: a washing machine on its delay timer could have run it.
    expect(sign(card + DAY, card + 20 * HOUR)).toBeUndefined();
    expect(sign(card + DAY, undefined)).toBeUndefined();
    expect(sign(card + DAY + 4 * HOUR, card + DAY + 2 * HOUR)).toBe('home');
    // A door event forgets the card: she came back through a door that works.
    const back = withDoorEvent(health, Math.floor((card + 2 * HOUR) / DAY));
    expect(homeAfterCard(back, card + DAY + 2 * HOUR)).toBe(false);
    expect(homeAfterCard(health, card + DAY + 2 * HOUR)).toBe(true);
  });

  it('twice home without the door, a day away among them: a resident who seldom opens her door is not left to its quiet', () => {
    // Her door on nine days of the four weeks, no gate card: ten days without it are not yet the door.
    const seldom = history(9, 0);
    const sign = (health: DoorHealth, quiet: number, wentOut: boolean) => {
      const now = LAST_DOOR + quiet * DAY + 4 * HOUR;
      return doorSign(health, now, LAST_DOOR, WATCHED_SINCE, QUIET_DAYS, true, Math.floor(now / DAY), wentOut);
    };
    expect(sign(seldom, 10, true)).toBeUndefined();
    // No sign of her from 13:00 until her water 23 h later: it may have been a long day at home.
    expect(withQuietEnded(seldom, LAST_DOOR + 2 * DAY - 3 * HOUR, LAST_DOOR + 3 * DAY - 4 * HOUR)).toBeUndefined();
    // A day and a half: she was away, and came back without the door.
    const dayAway = withQuietEnded(seldom, LAST_DOOR + 2 * DAY - 3 * HOUR, LAST_DOOR + 3 * DAY + 9 * HOUR)!;
    expect(dayAway.days_away).toEqual([[LAST_DOOR + 2 * DAY - 3 * HOUR, LAST_DOOR + 3 * DAY + 9 * HOUR]]);
    expect(sign(dayAway, 4, false)).toBeUndefined();
    // With a daytime outing the door did not see either, or a second day away: twice home unseen.
    expect(sign(dayAway, 4, true)).toBe('away');
    const twice = withQuietEnded(dayAway, LAST_DOOR + 5 * DAY, LAST_DOOR + 6 * DAY + 2 * HOUR)!;
    expect(sign(twice, 7, false)).toBe('away');
    // A door event forgets them.
    expect(withDoorEvent(twice, FIRST_DAY + 40).days_away).toBeUndefined();
  });

  it('an outing without the door: a daytime quiet since the last door event of five hours and half as long again as any at home before', () => {
    const lastDoor = time(4, 16);
    const atHome = { from: time(2, 13), minutes: 200, door: false };
    const outing = { from: time(4, 9), minutes: 240, door: true };
    expect(outingWithoutDoor([atHome, outing, { from: time(5, 9.5), minutes: 11 * 60, door: false }], lastDoor)).toBe(true);
    // Four hours and a half: not half as long again as her 200-minute afternoons at home.
    expect(outingWithoutDoor([atHome, outing, { from: time(5, 13), minutes: 270, door: false }], lastDoor)).toBe(false);
    // A long quiet of hers at home before the door went quiet says nothing new.
    expect(outingWithoutDoor([{ ...atHome, minutes: 480 }, { from: time(5, 9.5), minutes: 11 * 60, door: false }], lastDoor)).toBe(false);
    expect(outingWithoutDoor([atHome, { from: time(5, 9.5), minutes: 11 * 60, door: true }], lastDoor)).toBe(false);
    expect(outingWithoutDoor(undefined, lastDoor)).toBe(false);
  });

  it('the chance of days without a use keeps what a short history leaves unknown (beta-binomial, Jeffreys prior)', () => {
    // (0.5 / 6) (1.5 / 7) (2.5 / 8) (3.5 / 9)
    expect(quietChance(5, 5, 4)).toBeCloseTo((0.5 / 6) * (1.5 / 7) * (2.5 / 8) * (3.5 / 9), 12);
    expect(quietChance(0, 28, 3)).toBeCloseTo((28.5 / 29) * (29.5 / 30) * (30.5 / 31), 12);
    expect(quietChance(10, 28, 0)).toBe(1);
  });

  it('gate card days are kept through door events; a card just after the door is matched, one without it waits for its door', () => {
    let health = withDoorEvent(undefined, FIRST_DAY);
    const door = time(1, 9);
    health = withDoorEvent(health, FIRST_DAY + 1);
    health = withGateCard(health, door + 3 * MINUTE, FIRST_DAY + 1, door, 15);
    expect(health).toEqual({ days: [FIRST_DAY, FIRST_DAY + 1], gate_days: [FIRST_DAY + 1] });
    health = withGateCard(health, time(2, 10), FIRST_DAY + 2, door, 15);
    expect(health.gate_pending).toEqual([time(2, 10)]);
    health = withDoorEvent(health, FIRST_DAY + 2);
    expect(health).toEqual({ days: [FIRST_DAY, FIRST_DAY + 1, FIRST_DAY + 2], gate_days: [FIRST_DAY + 1, FIRST_DAY + 2] });
  });
});
