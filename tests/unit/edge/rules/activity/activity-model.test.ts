import { describe, expect, it } from 'vitest';
import type { ReadingItem } from '../../../../../shared/contract/index.js';
import { toWireTime } from '../../../../../shared/contract/index.js';
import type { ReadingFrame } from '../../../../../edge/model/device-data.js';
import { doorActivity, gateCardUse } from '../../../../../edge/rules/activity/event-activity.js';
import { recordSighting, type HouseholdActivity } from '../../../../../edge/rules/activity/household-activity.js';
import { powerUse, waterUse } from '../../../../../edge/rules/activity/meter-activity.js';
import { electricitySample, waterSample } from '../../../../../edge/rules/activity/meter-points.js';
import { meterSilenceMs, stepMeter, type MeterSample, type MeterTrack } from '../../../../../edge/rules/activity/meter-track.js';
import { at, doorEvent, gateCard, home, MINUTE } from '../../../../rules/care/harness.js';

const T = at('2026-03-02 10:00');
const h = home('hh-1');

function frame(readings: Array<[string, number, ReadingItem['unit']]>): ReadingFrame {
  return {
    device_id: 'm-1',
    subject: h.unit,
    event_time: toWireTime(T),
    readings: readings.map(([point, value, unit]) => ({ id: `id-${point}-0001`, device_id: 'm-1', point, value, unit, event_time: toWireTime(T) })),
  };
}

describe('meter points, whatever the profile', () => {
  it('reads water in m3 and m3/h: CJ/T 188 current_volume; TUF-2000 forward_total + fraction; litres converted', () => {
    expect(waterSample(frame([['current_volume', 123.456, 'm3']]))).toEqual({ volumeM3: 123.456, flowM3h: undefined });
    expect(waterSample(frame([['forward_total', 12, 'm3'], ['forward_total_fraction', 0.0005, 'm3'], ['flow_rate', 0.36, 'm3/h']]))).toEqual({ volumeM3: 12.0005, flowM3h: 0.36 });
    expect(waterSample(frame([['current_volume', 1500, 'L']]))?.volumeM3).toBe(1.5);
    expect(waterSample(frame([['active_power', 100, 'W']]))).toBeUndefined();
  });

  it('reads power in W and energy in kWh: SDM120 W, DL/T 645 kW, SDM630 total_power', () => {
    expect(electricitySample(frame([['active_power', 250, 'W'], ['import_energy', 1000.5, 'kWh']]))).toEqual({ powerW: 250, energyKwh: 1000.5 });
    expect(electricitySample(frame([['active_power', 1.2, 'kW'], ['forward_active_energy', 77.01, 'kWh']]))).toEqual({ powerW: 1200, energyKwh: 77.01 });
    expect(electricitySample(frame([['total_power', 300, 'W']]))?.powerW).toBe(300);
  });
});

describe('meter tracks and activity: changes, never levels', () => {
  const water = (counter: number, spotRate?: number): MeterSample => ({ counter, spotRate, counterPerHourToRate: 1000, prefer: 'counter', bridgeGaps: true });
  const power = (spotRate: number): MeterSample => ({ counter: undefined, spotRate, counterPerHourToRate: 1000, prefer: 'spot', bridgeGaps: false });
  const silence = meterSilenceMs(5 * MINUTE);

  function run(samples: MeterSample[], every = 5 * MINUTE, start?: MeterTrack) {
    let track = start;
    return samples.map((sample, index) => {
      const step = stepMeter(track, T + index * every, sample, silence)!;
      track = step.track;
      return step;
    });
  }

  it('a meter is silent after three missed polls, never sooner than 15 minutes', () => {
    expect(meterSilenceMs(5 * MINUTE)).toBe(15 * MINUTE);
    expect(meterSilenceMs(60_000)).toBe(15 * MINUTE);
    expect(meterSilenceMs(30 * MINUTE)).toBe(90 * MINUTE);
    expect(meterSilenceMs(undefined)).toBe(30 * MINUTE);
  });

  it('water: the start of use is activity; the same counter again (a keep-alive) is not; a tap running on is one sighting', () => {
    const steps = run([water(10), water(10), water(10.007), water(10.007), water(10.037), water(10.067), water(10.097)]);
    expect(steps.map((step) => waterUse(step, undefined).onset)).toEqual([false, false, true, false, true, false, false]);
    expect(steps.map((step) => waterUse(step, undefined).using)).toEqual([undefined, false, true, false, true, true, true]);
  });

  it('water: a flush on top of a dripping cistern is new use; the wobble of a running tap is not', () => {
    const cistern = run([water(1), water(1), water(1.0015), water(1.003), water(1.0115)]);
    expect(cistern.map((step) => waterUse(step, undefined).onset)).toEqual([false, false, true, false, true]);
    const tap = run([water(1), water(1), water(1.04), water(1.082), water(1.12)]);
    expect(tap.map((step) => waterUse(step, undefined).onset)).toEqual([false, false, true, false, false]);
  });

  it('electricity: a switch-on above standby, or a big step up, is activity; a heater staying on is not; the fridge under standby never is', () => {
    const steps = run([power(130), power(215), power(1800), power(1790), power(3800), power(1795), power(140)]);
    expect(steps.map((step) => powerUse(step, 300).onset)).toEqual([false, false, true, false, true, false, false]);
  });

  it('after a gap the first level is not a switch-on (the heater may have been on all along)', () => {
    const [first] = run([power(130)]);
    const after = stepMeter(first!.track, T + 40 * MINUTE, power(1800), silence)!;
    expect(after.gap).toBe(true);
    expect(after.track.since).toBe(T + 40 * MINUTE);
    expect(powerUse(after, 300).onset).toBe(false);
  });

  it('a water counter bridges a gap: unchanged means no use meanwhile (still watching); a rise is use', () => {
    const [first] = run([water(5)]);
    const dry = stepMeter({ ...first!.track, rate: 0 }, T + 2 * 60 * MINUTE, water(5), silence)!;
    expect(dry).toMatchObject({ gap: false, bridged: true, counterDelta: 0 });
    expect(dry.track.since).toBe(T);
    const used = stepMeter({ ...first!.track, rate: 0 }, T + 2 * 60 * MINUTE, water(5.02), silence)!;
    expect(waterUse(used, undefined).onset).toBe(true);
  });

  it('a counter that goes back (meter replaced) gives no increase; an older frame is ignored', () => {
    const [first] = run([water(5)]);
    expect(stepMeter(first!.track, T + 5 * MINUTE, water(0.2), silence)!.counterDelta).toBeUndefined();
    expect(stepMeter(first!.track, T, water(5.1), silence)).toBeUndefined();
  });
});

describe('door and gate events', () => {
  it('door activity is opening, closing, a card, the exit button; not alarms or refusals', () => {
    expect(['door_opened', 'door_closed', 'credential_granted', 'rex_pressed'].map((type) => doorActivity(doorEvent(h.door, T, type as never)))).toEqual([
      'door_opened',
      'door_closed',
      'credential_granted',
      'rex_pressed',
    ]);
    expect(['door_held_open', 'credential_denied', 'tamper', 'door_forced'].map((type) => doorActivity(doorEvent(h.door, T, type as never)))).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('a gate card carries its reference and, where the reader says so, its direction', () => {
    expect(gateCardUse(gateCard(T, 'card-1'))).toEqual({ credentialRef: 'card-1', direction: 'unknown' });
    expect(gateCardUse(gateCard(T, 'card-1', 'in'))).toEqual({ credentialRef: 'card-1', direction: 'in' });
    expect(gateCardUse(doorEvent(h.door, T, 'credential_granted', { credential_ref: 'card-1' }))).toBeUndefined();
  });
});

describe('one last-seen per household', () => {
  const empty: HouseholdActivity = { last: {} };
  const watching = { doorWatching: true };

  it('keeps the latest sighting of each signal and of all; a late one updates its signal only', () => {
    let activity = recordSighting(empty, 'water', { at: T, what: 'water_use' }, watching).activity;
    activity = recordSighting(activity, 'door', { at: T + MINUTE, what: 'door_opened' }, watching).activity;
    const late = recordSighting(activity, 'electricity', { at: T - MINUTE, what: 'power_on' }, watching);
    expect(late.newest).toBe(false);
    expect(late.activity.latest).toEqual({ at: T + MINUTE, what: 'door_opened', signal: 'door' });
    expect(late.activity.last.electricity).toEqual({ at: T - MINUTE, what: 'power_on' });
  });

  it('a gate card marks a possible exit that only the unit door ends (a washing machine filling does not)', () => {
    let activity = recordSighting(empty, 'gate', { at: T, what: 'gate_card' }, watching).activity;
    expect(activity.gate_out_at).toBe(T);
    activity = recordSighting(activity, 'water', { at: T + 20 * MINUTE, what: 'water_use' }, watching).activity;
    expect(activity.gate_out_at).toBe(T);
    activity = recordSighting(activity, 'door', { at: T + 30 * MINUTE, what: 'door_opened' }, watching).activity;
    expect(activity.gate_out_at).toBeUndefined();
    // a reader that says "in" marks no exit; with the door controller down, in-home use ends the exit
    expect(recordSighting(empty, 'gate', { at: T, what: 'gate_card' }, { gateDirection: 'in', doorWatching: true }).activity.gate_out_at).toBeUndefined();
    const out = recordSighting(empty, 'gate', { at: T, what: 'gate_card' }, watching).activity;
    expect(recordSighting(out, 'water', { at: T + MINUTE, what: 'water_use' }, { doorWatching: false }).activity.gate_out_at).toBeUndefined();
  });
});
