import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventItem, ReadingItem } from '../../shared/contract/index.js';
import type { BatchOrigin, StoredEvent, StoredReading, TelemetryStore } from '../../cloud/telemetry/telemetry-store.js';
import { BASE_TIME, eventItem, readingItem, uniqueSlug } from '../support/wire-fixtures.js';

export interface TelemetryStoreHarness {
  store: TelemetryStore;
  /** Releases what the factory created (drops the throwaway database). */
  cleanup(): Promise<void>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A window that holds every event time the tests write. */
const WHOLE_DAY = { from: BASE_TIME - 12 * HOUR, to: BASE_TIME + 12 * HOUR };

/** Each test writes as its own gateway, so tests sharing one store never see each other's items. */
function freshOrigin(): BatchOrigin {
  return { gatewayId: uniqueSlug('gw'), estateId: uniqueSlug('estate'), receivedAt: BASE_TIME + HOUR };
}

function stored(origin: BatchOrigin, event: EventItem): StoredEvent {
  return { ...event, gateway_id: origin.gatewayId, estate_id: origin.estateId };
}

/** A reading comes back without its item id (StoredReading says why). */
function storedReading(origin: BatchOrigin, { id: _id, ...reading }: ReadingItem): StoredReading {
  return { ...reading, gateway_id: origin.gatewayId, estate_id: origin.estateId };
}

/**
 * Behaviours every TelemetryStore must have (TelemetryStore in cloud/telemetry/telemetry-store.ts).
 * Run once per backend, the real services included.
 */
export function describeTelemetryStoreContract(name: string, open: () => Promise<TelemetryStoreHarness>): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let harness: TelemetryStoreHarness;
    let store: TelemetryStore;

    beforeAll(async () => {
      harness = await open();
      store = harness.store;
      await store.init();
    });

    afterAll(async () => {
      await store?.close();
      await harness?.cleanup();
    });

    it('init() can run again', async () => {
      await expect(store.init()).resolves.toBeUndefined();
    });

    it('ping() is true while the store answers', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('returns events with every field they were written with, plus gateway and estate', async () => {
      const origin = freshOrigin();
      const events = [
        eventItem({
          device_id: 'door-7',
          subject: { kind: 'unit', id: 'hh-0042' },
          type: 'credential_granted',
          at: BASE_TIME + 1_234,
          attributes: { card: 'c-991', direction: 'in', attempts: 2, valid: true, temperature: -3.75 },
        }),
        eventItem({ device_id: 'lift-2', subject: { kind: 'asset', id: 'lift-b2' }, type: 'lift_fault', at: BASE_TIME + 5_678, attributes: { fault: 'door_close_fault' } }),
      ];
      await store.writeEvents(origin, events);
      const found = await store.queryEvents({ ...WHOLE_DAY, gatewayId: origin.gatewayId });
      expect(found).toEqual(events.map((e) => stored(origin, e)));
    });

    it('returns readings with every field they were written with, plus gateway and estate', async () => {
      const origin = freshOrigin();
      const readings = [
        readingItem({ device_id: 'meter-3', point: 'energy_total', value: 81234.567, unit: 'kWh', at: BASE_TIME + 10 }),
        readingItem({ device_id: 'meter-3', point: 'voltage_l1', value: 229, unit: 'V', at: BASE_TIME + 20 }),
        readingItem({ device_id: 'meter-4', point: 'flow_rate', value: -0.125, unit: 'm3/h', at: BASE_TIME + 30 }),
      ];
      await store.writeReadings(origin, readings);
      const found = await store.queryReadings({ ...WHOLE_DAY, gatewayId: origin.gatewayId });
      expect(found).toEqual(readings.map((r) => storedReading(origin, r)));
    });

    it('keeps one copy of an item written twice, in two batches or within one', async () => {
      const origin = freshOrigin();
      const events = [eventItem({ at: BASE_TIME + 1 }), eventItem({ type: 'door_closed', at: BASE_TIME + 2 })];
      const readings = [readingItem({ at: BASE_TIME + 1 }), readingItem({ point: 'power', unit: 'W', value: 5, at: BASE_TIME + 2 })];
      await store.writeEvents(origin, events);
      await store.writeEvents(origin, events);
      await store.writeEvents(origin, [events[0]!, events[0]!]);
      await store.writeReadings(origin, readings);
      await store.writeReadings(origin, [...readings, ...readings]);
      expect(await store.queryEvents({ ...WHOLE_DAY, gatewayId: origin.gatewayId })).toEqual(events.map((e) => stored(origin, e)));
      expect(await store.queryReadings({ ...WHOLE_DAY, gatewayId: origin.gatewayId })).toEqual(readings.map((r) => storedReading(origin, r)));
    });

    it('filters by event time over [from, to): from included, to excluded', async () => {
      const origin = freshOrigin();
      const from = BASE_TIME;
      const to = BASE_TIME + MINUTE;
      const times = [from - 1, from, to - 1, to];
      await store.writeEvents(origin, times.map((at) => eventItem({ at })));
      await store.writeReadings(origin, times.map((at) => readingItem({ at })));
      const events = await store.queryEvents({ from, to, gatewayId: origin.gatewayId });
      const readings = await store.queryReadings({ from, to, gatewayId: origin.gatewayId });
      expect(events.map((e) => Date.parse(e.event_time))).toEqual([from, to - 1]);
      expect(readings.map((r) => Date.parse(r.event_time))).toEqual([from, to - 1]);
    });

    it('filters events by device and by type', async () => {
      const origin = freshOrigin();
      const opened1 = eventItem({ device_id: 'door-1', type: 'door_opened', at: BASE_TIME + 1 });
      const closed1 = eventItem({ device_id: 'door-1', type: 'door_closed', at: BASE_TIME + 2 });
      const opened2 = eventItem({ device_id: 'door-2', type: 'door_opened', at: BASE_TIME + 3 });
      await store.writeEvents(origin, [opened1, closed1, opened2]);
      const ids = (events: StoredEvent[]) => events.map((e) => e.id);
      const base = { ...WHOLE_DAY, gatewayId: origin.gatewayId };
      expect(ids(await store.queryEvents({ ...base, deviceId: 'door-1' }))).toEqual([opened1.id, closed1.id]);
      expect(ids(await store.queryEvents({ ...base, type: 'door_opened' }))).toEqual([opened1.id, opened2.id]);
      expect(ids(await store.queryEvents({ ...base, deviceId: 'door-2', type: 'door_closed' }))).toEqual([]);
    });

    it('filters readings by device and by point', async () => {
      const origin = freshOrigin();
      const energy3 = readingItem({ device_id: 'meter-3', point: 'energy_total', at: BASE_TIME + 1 });
      const power3 = readingItem({ device_id: 'meter-3', point: 'power', unit: 'W', at: BASE_TIME + 2 });
      const energy4 = readingItem({ device_id: 'meter-4', point: 'energy_total', at: BASE_TIME + 3 });
      await store.writeReadings(origin, [energy3, power3, energy4]);
      const series = (readings: Array<Pick<ReadingItem, 'device_id' | 'point'>>) => readings.map((r) => `${r.device_id}/${r.point}`);
      const base = { ...WHOLE_DAY, gatewayId: origin.gatewayId };
      expect(series(await store.queryReadings({ ...base, deviceId: 'meter-3' }))).toEqual(series([energy3, power3]));
      expect(series(await store.queryReadings({ ...base, point: 'energy_total' }))).toEqual(series([energy3, energy4]));
      expect(series(await store.queryReadings({ ...base, deviceId: 'meter-4', point: 'power' }))).toEqual([]);
    });

    it('keeps gateways apart', async () => {
      const first = freshOrigin();
      const second = freshOrigin();
      const mine = eventItem({ at: BASE_TIME + 1 });
      await store.writeEvents(first, [mine]);
      await store.writeEvents(second, [eventItem({ at: BASE_TIME + 1 })]);
      expect((await store.queryEvents({ ...WHOLE_DAY, gatewayId: first.gatewayId })).map((e) => e.id)).toEqual([mine.id]);
    });

    it('returns items ordered by event time whatever the order they were written in', async () => {
      const origin = freshOrigin();
      const offsets = [5 * MINUTE, 1, 3 * HOUR, -2 * HOUR, 42];
      await store.writeEvents(origin, offsets.map((offset, i) => eventItem({ device_id: `door-${i}`, at: BASE_TIME + offset })));
      await store.writeReadings(origin, offsets.map((offset, i) => readingItem({ device_id: `meter-${i}`, at: BASE_TIME + offset })));
      const expected = [...offsets].sort((a, b) => a - b).map((offset) => BASE_TIME + offset);
      const base = { ...WHOLE_DAY, gatewayId: origin.gatewayId };
      expect((await store.queryEvents(base)).map((e) => Date.parse(e.event_time))).toEqual(expected);
      expect((await store.queryReadings(base)).map((r) => Date.parse(r.event_time))).toEqual(expected);
    });

    it('returns at most limit items, the oldest first', async () => {
      const origin = freshOrigin();
      const events = [1, 2, 3, 4].map((offset) => eventItem({ device_id: `door-${offset}`, at: BASE_TIME + offset }));
      await store.writeEvents(origin, events);
      const found = await store.queryEvents({ ...WHOLE_DAY, gatewayId: origin.gatewayId, limit: 2 });
      expect(found.map((e) => e.id)).toEqual([events[0]!.id, events[1]!.id]);
    });

    it('keeps attribute strings with quotes, spaces, commas, equals, backslashes and Chinese intact', async () => {
      const origin = freshOrigin();
      const attributes = {
        quotes: `he said "hi" and 'bye'`,
        separators: 'a=b, c=d e f',
        backslash: 'C:\\path\\to\\"x"',
        chinese: '独居老人 6 小时未见活动，请上门查看',
        line_break: 'first\nsecond\ttab',
        braces: '{"not": "json"} [1,2]',
      };
      const event = eventItem({ attributes, at: BASE_TIME + 7 });
      await store.writeEvents(origin, [event]);
      const [found] = await store.queryEvents({ ...WHOLE_DAY, gatewayId: origin.gatewayId });
      expect(found?.attributes).toEqual(attributes);
    });

    it('keeps event ids with quotes, backslashes, braces, commas, outer spaces and Chinese intact, and takes readings with such ids', async () => {
      const origin = freshOrigin();
      const ids = ['say "hi" twice', 'C:\\path\\to\\"x"\\', '{"a","b"}', 'one,two,three', '  spaced out  ', 'NULL NULL', '读数 电表 一号'];
      const readings = ids.map((id, i) => readingItem({ id, at: BASE_TIME + i }));
      const events = ids.map((id, i) => eventItem({ id, at: BASE_TIME + i }));
      await store.writeReadings(origin, readings);
      await store.writeEvents(origin, events);
      expect(await store.queryReadings({ ...WHOLE_DAY, gatewayId: origin.gatewayId })).toEqual(readings.map((r) => storedReading(origin, r)));
      expect(await store.queryEvents({ ...WHOLE_DAY, gatewayId: origin.gatewayId })).toEqual(events.map((e) => stored(origin, e)));
    });

    it('writes grouped messages each under its own gateway and estate, an empty one among them, each item once', async () => {
      const [first, second, third] = [freshOrigin(), freshOrigin(), freshOrigin()];
      const firstReadings = [readingItem({ at: BASE_TIME + 1 }), readingItem({ at: BASE_TIME + 2 })];
      const thirdReadings = [readingItem({ at: BASE_TIME + 3 })];
      const firstEvents = [eventItem({ at: BASE_TIME + 1 })];
      const thirdEvents = [eventItem({ at: BASE_TIME + 2 }), eventItem({ at: BASE_TIME + 3 })];
      const readingGroups = [
        { origin: first!, items: firstReadings },
        { origin: second!, items: [] },
        { origin: third!, items: thirdReadings },
      ];
      const eventGroups = [
        { origin: first!, items: firstEvents },
        { origin: second!, items: [] },
        { origin: third!, items: thirdEvents },
      ];
      // Written twice: a redelivered group leaves one row per item.
      for (let time = 0; time < 2; time++) {
        await store.writeReadingGroups(readingGroups);
        await store.writeEventGroups(eventGroups);
      }
      expect(await store.queryReadings({ ...WHOLE_DAY, gatewayId: first!.gatewayId })).toEqual(firstReadings.map((r) => storedReading(first!, r)));
      expect(await store.queryReadings({ ...WHOLE_DAY, gatewayId: second!.gatewayId })).toEqual([]);
      expect(await store.queryReadings({ ...WHOLE_DAY, gatewayId: third!.gatewayId })).toEqual(thirdReadings.map((r) => storedReading(third!, r)));
      expect(await store.queryEvents({ ...WHOLE_DAY, gatewayId: first!.gatewayId })).toEqual(firstEvents.map((e) => stored(first!, e)));
      expect(await store.queryEvents({ ...WHOLE_DAY, gatewayId: third!.gatewayId })).toEqual(thirdEvents.map((e) => stored(third!, e)));
    });

    it('treats filter values as data, never as query text', async () => {
      const origin = freshOrigin();
      await store.writeEvents(origin, [eventItem({ at: BASE_TIME + 1 })]);
      const hostile = `x' OR '1'='1`;
      await expect(store.queryEvents({ ...WHOLE_DAY, gatewayId: origin.gatewayId, deviceId: hostile })).resolves.toEqual([]);
      await expect(store.queryEvents({ ...WHOLE_DAY, gatewayId: `${origin.gatewayId}" OR "1"="1` })).resolves.toEqual([]);
      await expect(store.queryReadings({ ...WHOLE_DAY, gatewayId: origin.gatewayId, point: `p\\' OR 1=1 --` })).resolves.toEqual([]);
    });

    it('accepts an empty batch', async () => {
      const origin = freshOrigin();
      await store.writeEvents(origin, []);
      await store.writeReadings(origin, []);
      expect(await store.queryEvents({ ...WHOLE_DAY, gatewayId: origin.gatewayId })).toEqual([]);
    });
  });
}
