import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingItem } from '../../shared/contract/index.js';
import type { SqlExecutor } from '../../cloud/db/sql-database.js';
import { RetentionSettingsSchema, retentionCutoffs } from '../../cloud/telemetry/retention-settings.js';
import { bucketWidthFor, type ReadingBucket, type TelemetryEvidenceReader } from '../../cloud/telemetry/telemetry-evidence-reader.js';
import type { TelemetryRetention } from '../../cloud/telemetry/telemetry-retention.js';
import type { BatchOrigin, TelemetryStore } from '../../cloud/telemetry/telemetry-store.js';
import { BASE_TIME, eventItem, readingItem, uniqueSlug } from '../support/wire-fixtures.js';

export interface TelemetryReadsHarness {
  store: TelemetryStore;
  evidence: TelemetryEvidenceReader;
  /** null: the backend leaves retention to its operator (InfluxDB 2.x/3.x buckets); its retention contract is not run. */
  retention: TelemetryRetention | null;
  /** Runs fn in a transaction of the cloud's SQL database (what the nightly job gives retention). */
  inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  cleanup(): Promise<void>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function freshOrigin(estateId = uniqueSlug('estate')): BatchOrigin {
  return { gatewayId: uniqueSlug('gw'), estateId, receivedAt: BASE_TIME };
}

/** The buckets a store must return, computed here from the readings written (oldest first per series). */
function expectedBuckets(readings: readonly ReadingItem[], from: number, to: number, width: number): ReadingBucket[] {
  const groups = new Map<string, ReadingItem[]>();
  for (const reading of readings) {
    const at = Date.parse(reading.event_time);
    if (at < from || at >= to) continue;
    const start = from + Math.floor((at - from) / width) * width;
    const key = `${reading.device_id}\u0000${reading.point}\u0000${start}`;
    groups.set(key, [...(groups.get(key) ?? []), reading]);
  }
  return [...groups.entries()]
    .map(([key, items]) => {
      const [deviceId, point, start] = key.split('\u0000') as [string, string, string];
      const sorted = [...items].sort((a, b) => Date.parse(a.event_time) - Date.parse(b.event_time));
      const values = sorted.map((item) => item.value);
      return {
        deviceId,
        point,
        unit: sorted.at(-1)!.unit,
        start: Number(start),
        count: values.length,
        mean: values.reduce((sum, v) => sum + v, 0) / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        last: values.at(-1)!,
      };
    })
    .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.point < b.point ? -1 : a.point > b.point ? 1 : a.start - b.start));
}

/** Means are floating sums: compared to 9 significant digits, everything else exactly. */
function comparable(buckets: readonly ReadingBucket[]) {
  return buckets.map((bucket) => ({ ...bucket, mean: Number(bucket.mean.toPrecision(9)) }));
}

/**
 * Reads for people (a ticket's evidence thinned in the store, the newest data per device) and
 * retention driven by a controlled clock, on every backend: the same answers from SQL on
 * PostgreSQL and PGlite and from InfluxQL on InfluxDB.
 */
export function describeTelemetryReadsContract(name: string, open: () => Promise<TelemetryReadsHarness>, options: { retention: boolean } = { retention: true }): void {
  describe(`Telemetry reads contract: ${name}`, () => {
    let harness: TelemetryReadsHarness;

    beforeAll(async () => {
      harness = await open();
      await harness.store.init();
    });
    afterAll(async () => {
      await harness?.store.close();
      await harness?.cleanup();
    });

    it('thins 10 hours of 1-minute readings to at most 300 buckets per series, keeping a spike as its bucket max', async () => {
      const origin = freshOrigin();
      const from = BASE_TIME + 17_000; // not on a bucket edge of the epoch: buckets start at from
      const to = from + 10 * HOUR;
      const readings: ReadingItem[] = [];
      for (let minute = -5; minute < 10 * 60 + 5; minute++) {
        const at = from + minute * MINUTE + 3_000;
        readings.push(readingItem({ device_id: 'lift-1', point: 'floor', unit: 'floor', value: minute % 12, at }));
        readings.push(readingItem({ device_id: 'lift-1', point: 'speed', unit: 'm/s', value: minute === 333 ? 9.75 : 1 + (minute % 3) * 0.25, at: at + 1 }));
        readings.push(readingItem({ device_id: 'lift-2', point: 'floor', unit: 'floor', value: 100 - minute, at }));
      }
      await harness.store.writeReadings(origin, readings);
      const bucketMs = bucketWidthFor({ from, to }, 300);
      expect(bucketMs).toBe(120_000);
      const buckets = await harness.evidence.readingBuckets({ estateId: origin.estateId, gatewayId: origin.gatewayId, deviceIds: ['lift-1', 'lift-2'], from, to, bucketMs });
      expect(comparable(buckets)).toEqual(comparable(expectedBuckets(readings, from, to, bucketMs)));
      const speed = buckets.filter((b) => b.deviceId === 'lift-1' && b.point === 'speed');
      expect(speed.length).toBeLessThanOrEqual(300);
      expect(Math.max(...speed.map((b) => b.max))).toBe(9.75);
      expect(buckets.every((b) => (b.start - from) % bucketMs === 0)).toBe(true);
    });

    it('reads only the devices, units, gateway and estate asked for', async () => {
      const origin = freshOrigin();
      const neighbour = { ...origin, gatewayId: uniqueSlug('gw') };
      const from = BASE_TIME;
      const to = BASE_TIME + HOUR;
      const flow = readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 4.5, at: from + MINUTE });
      const total = readingItem({ device_id: 'main-1', point: 'volume_total', unit: 'm3', value: 1200, at: from + MINUTE });
      const voltage = readingItem({ device_id: 'main-1', point: 'battery', unit: 'V', value: 3.6, at: from + MINUTE });
      const otherDevice = readingItem({ device_id: 'main-2', point: 'flow_rate', unit: 'm3/h', value: 1, at: from + MINUTE });
      await harness.store.writeReadings(origin, [flow, total, voltage, otherDevice]);
      await harness.store.writeReadings(neighbour, [readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 99, at: from + MINUTE })]);
      const query = { estateId: origin.estateId, gatewayId: origin.gatewayId, deviceIds: ['main-1'], units: ['m3/h', 'm3'], from, to, bucketMs: 60_000 };
      const found = await harness.evidence.readingBuckets(query);
      expect(found.map((b) => [b.deviceId, b.point, b.last])).toEqual([
        ['main-1', 'flow_rate', 4.5],
        ['main-1', 'volume_total', 1200],
      ]);
      expect(await harness.evidence.readingBuckets({ ...query, estateId: uniqueSlug('estate') })).toEqual([]);
      expect(await harness.evidence.readingBuckets({ ...query, deviceIds: [] })).toEqual([]);
      expect(await harness.evidence.readingBuckets({ ...query, deviceIds: [`main-1' OR '1'='1`] })).toEqual([]);
    });

    it('gives the newest reading or event of each device asked for, null for a device with none since `since`', async () => {
      const origin = freshOrigin();
      await harness.store.writeReadings(origin, [readingItem({ device_id: 'meter-1', at: BASE_TIME - HOUR }), readingItem({ device_id: 'meter-1', at: BASE_TIME - 2 * HOUR })]);
      await harness.store.writeEvents(origin, [eventItem({ device_id: 'meter-1', at: BASE_TIME - 3 * HOUR }), eventItem({ device_id: 'door-1', at: BASE_TIME - 30 * MINUTE })]);
      await harness.store.writeReadings(origin, [readingItem({ device_id: 'old-1', at: BASE_TIME - 2 * DAY })]);
      const newest = await harness.evidence.newestData({ estateId: origin.estateId, gatewayId: origin.gatewayId, deviceIds: ['meter-1', 'door-1', 'old-1', 'silent-1'], since: BASE_TIME - DAY });
      expect(newest).toEqual([
        { deviceId: 'meter-1', newestAt: BASE_TIME - HOUR },
        { deviceId: 'door-1', newestAt: BASE_TIME - 30 * MINUTE },
        { deviceId: 'old-1', newestAt: null },
        { deviceId: 'silent-1', newestAt: null },
      ]);
    });
  });

  if (!options.retention) return;
  describe(`Telemetry retention contract: ${name}`, () => {
    let harness: TelemetryReadsHarness;
    const settings = RetentionSettingsSchema.parse({ raw_days: 2, hourly_months: 1 });

    beforeAll(async () => {
      // A database of its own: retention deletes by time, whatever wrote it.
      harness = await open();
      await harness.store.init();
      // The hourly policy is made long (the machine's clock is not the test's): what goes is decided by the cutoffs.
      await harness.retention?.prepare({ ...settings, hourly_months: 120 });
    });
    afterAll(async () => {
      await harness?.store.close();
      await harness?.cleanup();
    });

    it('aggregates raw readings to hours before deleting them, deletes old events, then old hours, each exactly at its cutoff', async () => {
      const retention = harness.retention;
      if (retention === null) throw new Error(`${name} has no retention: pass { retention: false }`);
      const origin = freshOrigin();
      // now = BASE_TIME + 2 days + 30 min: raw cutoff floor(now - 2 days) to the hour = BASE_TIME.
      const now = BASE_TIME + 2 * DAY + 30 * MINUTE;
      const cutoffs = retentionCutoffs(now, settings);
      expect(cutoffs.readingsBefore).toBe(BASE_TIME);
      const oldHour = BASE_TIME - HOUR;
      const old = [
        readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 2, at: oldHour }),
        readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 7.5, at: oldHour + 10 * MINUTE }),
        readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 0.5, at: oldHour + 20 * MINUTE }),
        readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 4, at: BASE_TIME - 1 }),
      ];
      const kept = [
        readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 3, at: BASE_TIME }),
        readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 5, at: BASE_TIME + HOUR }),
      ];
      await harness.store.writeReadings(origin, [...old, ...kept]);
      const oldEvent = eventItem({ device_id: 'lift-1', type: 'lift_fault', at: BASE_TIME - 1 });
      const keptEvent = eventItem({ device_id: 'lift-1', type: 'lift_fault_cleared', at: BASE_TIME });
      await harness.store.writeEvents(origin, [oldEvent, keptEvent]);

      await harness.inTransaction((tx) => retention.apply(cutoffs, tx));

      const everything = { from: BASE_TIME - 10 * DAY, to: BASE_TIME + 10 * DAY, gatewayId: origin.gatewayId };
      expect((await harness.store.queryReadings(everything)).map((r) => [r.event_time, r.value])).toEqual(kept.map((r) => [r.event_time, r.value]));
      expect((await harness.store.queryEvents(everything)).map((e) => e.id)).toEqual([keptEvent.id]);
      const hourly = { estateId: origin.estateId, gatewayId: origin.gatewayId, from: BASE_TIME - 10 * DAY, to: BASE_TIME + 10 * DAY };
      expect(await retention.hourlyReadings(hourly)).toEqual([
        { gatewayId: origin.gatewayId, estateId: origin.estateId, deviceId: 'main-1', point: 'flow_rate', unit: 'm3/h', hour: oldHour, count: 4, mean: 3.5, min: 0.5, max: 7.5, last: 4 },
      ]);

      // A day later the next night folds BASE_TIME's two hours in; running a night twice changes nothing.
      const nextNight = retentionCutoffs(now + DAY, settings);
      await harness.inTransaction((tx) => retention.apply(nextNight, tx));
      await harness.inTransaction((tx) => retention.apply(nextNight, tx));
      expect(await harness.store.queryReadings(everything)).toEqual([]);
      expect((await retention.hourlyReadings(hourly)).map((h) => [h.hour, h.count, h.last])).toEqual([
        [oldHour, 4, 4],
        [BASE_TIME, 1, 3],
        [BASE_TIME + HOUR, 1, 5],
      ]);

      // A month on (hourly_months: 1), the hours before floor(now - 1 month) go: oldHour does, BASE_TIME stays.
      const monthLater = Date.UTC(2026, 11, 24, 8, 30);
      expect(retentionCutoffs(monthLater, settings).hourlyBefore).toBe(BASE_TIME);
      await harness.inTransaction((tx) => retention.apply(retentionCutoffs(monthLater, settings), tx));
      expect((await retention.hourlyReadings(hourly)).map((h) => h.hour)).toEqual([BASE_TIME, BASE_TIME + HOUR]);
    });
  });
}
