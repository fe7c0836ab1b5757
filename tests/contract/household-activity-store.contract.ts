import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HouseholdActivityItem, RoutineSummary } from '../../shared/contract/index.js';
import type { HouseholdActivityStore } from '../../cloud/telemetry/household-activity-store.js';
import type { BatchOrigin, TelemetryStore } from '../../cloud/telemetry/telemetry-store.js';
import { BASE_TIME, uniqueSlug } from '../support/wire-fixtures.js';
import type { TelemetryStoreHarness } from './telemetry-store.contract.js';

const HOUR = 3_600_000;

const ROUTINE: RoutineSummary = {
  history_days: 21,
  morning: [
    { kind: 'weekday', learned: true, usual_from_min: 390, usual_to_min: 435, check_at_min: 555 },
    { kind: 'weekend', learned: false, usual_from_min: 480, usual_to_min: 480, check_at_min: 660 },
  ],
  day_quiet_limit_min: 398,
  day_quiet_basis: 'quiet_lengths',
};

/** Each test writes its own estate and households, so tests sharing one store never see each other's hours. */
function freshOrigin(): BatchOrigin {
  return { gatewayId: uniqueSlug('gw'), estateId: uniqueSlug('estate'), receivedAt: BASE_TIME + 48 * HOUR };
}

function hourOf(householdId: string, hour: number, values: Partial<HouseholdActivityItem> = {}): HouseholdActivityItem {
  const start = BASE_TIME + hour * HOUR;
  return {
    id: `activity:${householdId}:${new Date(start).toISOString()}`,
    household_id: householdId,
    event_time: new Date(start).toISOString(),
    door_openings: 2,
    water_l: 37.5,
    energy_kwh: 0.42,
    above_standby_min: 12.25,
    ...values,
  };
}

const stored = (origin: BatchOrigin, item: HouseholdActivityItem) => ({ ...item, gateway_id: origin.gatewayId, estate_id: origin.estateId });

/**
 * Behaviours every telemetry backend has for household activity aggregates (HouseholdActivityStore
 * in cloud/telemetry/household-activity-store.ts), run once per backend on the real services.
 */
export function describeHouseholdActivityStoreContract(name: string, open: () => Promise<TelemetryStoreHarness>): void {
  describe(`HouseholdActivityStore contract: ${name}`, () => {
    let harness: TelemetryStoreHarness;
    let store: TelemetryStore & HouseholdActivityStore;
    const range = (origin: BatchOrigin, householdId: string) => ({ estateId: origin.estateId, householdId, from: BASE_TIME - 24 * HOUR, to: BASE_TIME + 24 * HOUR });

    beforeAll(async () => {
      harness = await open();
      store = harness.store;
      await store.init();
    });

    afterAll(async () => {
      await store?.close();
      await harness?.cleanup();
    });

    it('returns each hour as written, null signals and the routine included, oldest first', async () => {
      const origin = freshOrigin();
      const hours = [
        hourOf('hh-a', 2, { door_openings: 0, water_l: null, routine: ROUTINE }),
        hourOf('hh-a', 0),
        hourOf('hh-a', 1, { door_openings: null, water_l: 0, energy_kwh: null, above_standby_min: null }),
      ];
      await store.writeHouseholdActivity(origin, hours);
      expect(await store.queryHouseholdActivity(range(origin, 'hh-a'))).toEqual([hours[1]!, hours[2]!, hours[0]!].map((hour) => stored(origin, hour)));
    });

    it('keeps one copy of an hour written twice, the last one written, in two batches or within one', async () => {
      const origin = freshOrigin();
      await store.writeHouseholdActivity(origin, [hourOf('hh-b', 0, { water_l: null }), hourOf('hh-b', 1, { routine: ROUTINE })]);
      const rewritten = [hourOf('hh-b', 0, { water_l: 12 }), hourOf('hh-b', 1, { door_openings: null, energy_kwh: 1.5 })];
      await store.writeHouseholdActivity(origin, rewritten);
      const twiceInOne = [hourOf('hh-b', 2, { door_openings: 1 }), hourOf('hh-b', 2, { door_openings: 3 })];
      await store.writeHouseholdActivity(origin, twiceInOne);
      const found = await store.queryHouseholdActivity(range(origin, 'hh-b'));
      expect(found.map(({ routine: _routine, ...hour }) => hour)).toEqual([rewritten[0]!, rewritten[1]!, twiceInOne[1]!].map((hour) => stored(origin, hour)));
    });

    it('reads hours starting in [from, to): from included, to excluded', async () => {
      const origin = freshOrigin();
      await store.writeHouseholdActivity(origin, [-1, 0, 1, 2].map((hour) => hourOf('hh-c', hour)));
      const found = await store.queryHouseholdActivity({ estateId: origin.estateId, householdId: 'hh-c', from: BASE_TIME, to: BASE_TIME + 2 * HOUR });
      expect(found.map((hour) => hour.event_time)).toEqual([0, 1].map((hour) => new Date(BASE_TIME + hour * HOUR).toISOString()));
    });

    it('reads one household of one estate: a neighbour, or the same id in another estate, is not in it', async () => {
      const origin = freshOrigin();
      const otherEstate = { ...freshOrigin(), gatewayId: origin.gatewayId };
      await store.writeHouseholdActivity(origin, [hourOf('hh-d', 0), hourOf('hh-e', 0)]);
      await store.writeHouseholdActivity(otherEstate, [hourOf('hh-d', 1)]);
      expect((await store.queryHouseholdActivity(range(origin, 'hh-d'))).map((hour) => [hour.estate_id, hour.household_id])).toEqual([[origin.estateId, 'hh-d']]);
    });

    it("deletes every hour of one household, and nothing of its neighbour's; deleting again is harmless", async () => {
      const origin = freshOrigin();
      await store.writeHouseholdActivity(origin, [hourOf('hh-f', 0, { routine: ROUTINE }), hourOf('hh-f', 30), hourOf('hh-g', 0)]);
      await store.deleteHouseholdActivity({ estateId: origin.estateId, householdId: 'hh-f' });
      const wide = (householdId: string) => ({ estateId: origin.estateId, householdId, from: BASE_TIME - 400 * 24 * HOUR, to: BASE_TIME + 400 * 24 * HOUR });
      expect(await store.queryHouseholdActivity(wide('hh-f'))).toEqual([]);
      expect((await store.queryHouseholdActivity(wide('hh-g'))).map((hour) => hour.household_id)).toEqual(['hh-g']);
      await expect(store.deleteHouseholdActivity({ estateId: origin.estateId, householdId: 'hh-f' })).resolves.toBeUndefined();
      await store.writeHouseholdActivity(origin, [hourOf('hh-f', 40)]);
      expect((await store.queryHouseholdActivity(wide('hh-f'))).map((hour) => hour.event_time)).toEqual([new Date(BASE_TIME + 40 * HOUR).toISOString()]);
    });
  });
}
