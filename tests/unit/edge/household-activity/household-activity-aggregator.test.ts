import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HouseholdActivityItem, type ReadingItem, type Unit } from '../../../../shared/contract/index.js';
import { CareRulesConfigSchema } from '../../../../shared/contract/rules-config-care.js';
import { silentLogger } from '../../../../shared/log/logger.js';
import { ManualClock } from '../../../../shared/time/clock.js';
import { HouseholdActivityAggregator, SEND_AFTER_HOUR_MS } from '../../../../edge/household-activity/household-activity-aggregator.js';
import { MemoryOutbox } from '../../../../edge/outbox/memory-outbox.js';
import type { DeviceInfo } from '../../../../edge/rules/rule.js';
import type { HouseholdCareState } from '../../../../edge/rules/care/care-state.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2026-11-24 08:00 local (UTC+8), on the whole hour. */
const H0 = Date.parse('2026-11-24T00:00:00.000Z');
const unit = { kind: 'unit' as const, id: 'hh-1' };
const DEVICES: DeviceInfo[] = [
  { id: 'door-1', subject: unit, profile: 'door_controller_generic', kind: 'door_access_controller', pollIntervalMs: undefined },
  { id: 'wm-1', subject: unit, profile: 'cjt188_cold_water_meter', kind: 'water_meter', pollIntervalMs: 300_000 },
  { id: 'em-1', subject: unit, profile: 'dlt645_single_phase_meter', kind: 'electricity_meter', pollIntervalMs: 300_000 },
  { id: 'em-2', subject: { kind: 'unit', id: 'hh-2' }, profile: 'dlt645_single_phase_meter', kind: 'electricity_meter', pollIntervalMs: 300_000 },
];
const CONSENT = { recorded_at: '2026-11-01T09:00:00+08:00', purpose: 'care visits' };
const care = (...unitIds: string[]) => CareRulesConfigSchema.parse({ households: unitIds.map((unit_id) => ({ unit_id, consent: CONSENT })) });

function rig(careState: (unitId: string) => HouseholdCareState | undefined = () => undefined, statePath: string | null = null, startAt = H0 - 10 * MINUTE) {
  const clock = new ManualClock(startAt);
  const outbox = new MemoryOutbox(clock);
  const aggregator = new HouseholdActivityAggregator({ devices: DEVICES, outbox, onAppended: () => {}, clock, careState, statePath, logger: silentLogger() });
  const frame = (deviceId: string, at: number, points: Record<string, [number, Unit]>) => {
    clock.set(at);
    const time = new Date(at).toISOString();
    const readings: ReadingItem[] = Object.entries(points).map(([point, [value, unitOf]]) => ({ id: `${deviceId}-${at}-${point}`, device_id: deviceId, point, value, unit: unitOf, event_time: time }));
    aggregator.readings({ device_id: deviceId, subject: DEVICES.find((d) => d.id === deviceId)!.subject, event_time: time, readings });
  };
  const door = (at: number, type: 'door_opened' | 'door_closed' = 'door_opened') => {
    clock.set(at);
    aggregator.event({ id: `door-1-${at}-${type}`, device_id: 'door-1', subject: unit, type, event_time: new Date(at).toISOString(), attributes: {} });
  };
  /** Moves the clock and sends what ended; the items the outbox then holds. */
  const sentBy = async (at: number): Promise<HouseholdActivityItem[]> => {
    clock.set(at);
    aggregator.tick();
    await aggregator.stop(); // settles the appends; a stopped aggregator still counts and ticks by hand
    const items: HouseholdActivityItem[] = [];
    for (let batch = await outbox.take(1000); batch; batch = await outbox.take(1000)) {
      if (batch.channel === 'activity') items.push(...batch.items);
      await outbox.acknowledge(batch.keys);
    }
    return items;
  };
  return { clock, aggregator, frame, door, sentBy };
}

describe('household activity aggregator', () => {
  it('counts an enrolled household from the next whole hour: door openings, litres and kWh between samples, minutes above standby', async () => {
    const { aggregator, frame, door, sentBy } = rig();
    aggregator.setConfig(care('hh-1'));
    // Before the first counted hour: marks only.
    frame('wm-1', H0 - 5 * MINUTE, { current_volume: [100.0, 'm3'] });
    door(H0 - 2 * MINUTE);
    door(H0 + 10 * MINUTE);
    door(H0 + 10 * MINUTE + 20_000, 'door_closed');
    frame('wm-1', H0 + 5 * MINUTE, { current_volume: [100.02, 'm3'] });
    frame('wm-1', H0 + 55 * MINUTE, { current_volume: [100.05, 'm3'] });
    // 2 kW from 08:50 to 09:05 (held until the next sample), then standby.
    frame('em-1', H0 + 50 * MINUTE, { active_power: [2000, 'W'], forward_active_energy: [500.0, 'kWh'] });
    frame('em-1', H0 + 65 * MINUTE, { active_power: [50, 'W'], forward_active_energy: [500.5, 'kWh'] });
    frame('wm-1', H0 + 65 * MINUTE, { current_volume: [100.06, 'm3'] });
    const items = await sentBy(H0 + 2 * HOUR + SEND_AFTER_HOUR_MS);
    expect(items.map(({ routine: _r, ...item }) => item)).toEqual([
      { id: 'activity:hh-1:2026-11-24T00:00:00.000Z', household_id: 'hh-1', event_time: '2026-11-24T00:00:00.000Z', door_openings: 1, water_l: 50, energy_kwh: 0, above_standby_min: 10 },
      { id: 'activity:hh-1:2026-11-24T01:00:00.000Z', household_id: 'hh-1', event_time: '2026-11-24T01:00:00.000Z', door_openings: 0, water_l: 10, energy_kwh: 0.5, above_standby_min: 5 },
    ]);
  });

  it("counts a silent meter's last level for HOLD_LIMIT_MS, whenever the hour is sent, and a counter that goes back as nothing", async () => {
    const { aggregator, frame, sentBy } = rig();
    aggregator.setConfig(care('hh-1'));
    frame('em-1', H0 + 55 * MINUTE, { active_power: [800, 'W'], forward_active_energy: [10, 'kWh'] });
    frame('em-1', H0 + 2 * HOUR, { active_power: [800, 'W'], forward_active_energy: [2, 'kWh'] });
    const items = await sentBy(H0 + 3 * HOUR + SEND_AFTER_HOUR_MS);
    expect(items.map((item) => [item.above_standby_min, item.energy_kwh])).toEqual([
      [5, 0],
      [10, null],
      [15, 0],
    ]);
  });

  it('counts nobody not enrolled, and stops at once for a household that leaves the config', async () => {
    const { aggregator, frame, door, sentBy } = rig();
    aggregator.setConfig(care('hh-1'));
    frame('em-2', H0 + 5 * MINUTE, { active_power: [3000, 'W'] });
    door(H0 + 20 * MINUTE);
    aggregator.setConfig(care());
    door(H0 + 30 * MINUTE);
    expect(await sentBy(H0 + 3 * HOUR)).toEqual([]);
  });

  it("sends the care rule's learned routine with the last hour of a sending, once a day and whenever it changes", async () => {
    const state: HouseholdCareState = { watch_start: H0 - 30 * 24 * HOUR, activity: { last: {} }, firsts: [] };
    const { aggregator, sentBy } = rig(() => state);
    aggregator.setConfig(care('hh-1'));
    const items = await sentBy(H0 + 3 * HOUR + SEND_AFTER_HOUR_MS);
    expect(items.map((item) => item.routine !== undefined)).toEqual([false, false, true]);
    expect(items[2]!.routine).toEqual({
      history_days: 0,
      morning: [
        { kind: 'weekday', learned: false, usual_from_min: 480, usual_to_min: 480, check_at_min: 660 },
        { kind: 'weekend', learned: false, usual_from_min: 480, usual_to_min: 480, check_at_min: 660 },
      ],
      day_quiet_limit_min: 360,
      day_quiet_basis: 'configured',
    });
  });

  it('goes on after a restart with the hours it saved, and sends nothing for the hours it was off', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'estatecare-activity-')), 'hours.json');
    const before = rig(undefined, statePath);
    before.aggregator.setConfig(care('hh-1'));
    await before.aggregator.start();
    before.frame('wm-1', H0 + 5 * MINUTE, { current_volume: [1.0, 'm3'] });
    before.frame('wm-1', H0 + 20 * MINUTE, { current_volume: [1.02, 'm3'] });
    await before.aggregator.stop();

    // Back within the hour: the hour goes on from what was counted.
    const after = rig(undefined, statePath, H0 + 30 * MINUTE);
    after.aggregator.setConfig(care('hh-1'));
    await after.aggregator.start();
    after.frame('wm-1', H0 + 40 * MINUTE, { current_volume: [1.05, 'm3'] });
    await after.aggregator.stop();
    // Off from 00:40 to 03:20: the hour open at the stop is sent; 01:00-03:00 are not, nor the partial 03:00 hour.
    const later = rig(undefined, statePath, H0 + 3 * HOUR + 20 * MINUTE);
    later.aggregator.setConfig(care('hh-1'));
    await later.aggregator.start();
    later.frame('wm-1', H0 + 3 * HOUR + 30 * MINUTE, { current_volume: [1.5, 'm3'] });
    later.frame('wm-1', H0 + 4 * HOUR + 5 * MINUTE, { current_volume: [1.51, 'm3'] });
    const items = await later.sentBy(H0 + 5 * HOUR + SEND_AFTER_HOUR_MS);
    expect(items.map((item) => [item.event_time, item.water_l])).toEqual([
      ['2026-11-24T00:00:00.000Z', 50],
      ['2026-11-24T04:00:00.000Z', 10],
    ]);
  });
});
