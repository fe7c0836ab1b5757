import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxTelemetryStore } from '../../cloud/telemetry/influx-telemetry-store.js';
import { InfluxqlEvidenceReader } from '../../cloud/telemetry/influxql-evidence-reader.js';
import { InfluxqlHttpReader } from '../../cloud/telemetry/influxql-http-reader.js';
import { InfluxTelemetryRetention } from '../../cloud/telemetry/influx-telemetry-retention.js';
import { RetentionSettingsSchema, retentionCutoffs } from '../../cloud/telemetry/retention-settings.js';
import type { SqlExecutor } from '../../cloud/db/sql-database.js';
import { createTestInfluxDatabase, type TestInfluxDatabase } from '../support/influxdb.js';
import { BASE_TIME, readingItem } from '../support/wire-fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const origin = { gatewayId: 'gw-upgraded', estateId: 'upgraded-estate', receivedAt: BASE_TIME };
const noSql: SqlExecutor = { query: () => Promise.reject(new Error('InfluxDB retention must not write to the SQL database')) };

/**
 * Readings written by earlier versions carry their unit as a string field; this version writes it as
 * a tag (influx-series-layout.ts readingPoint). A database kept across the upgrade holds both, in
 * the same series' hours: every read takes the unit from whichever the point has.
 */
describe('InfluxDB readings in the layout of earlier versions (unit as a field) beside this one (unit as a tag)', () => {
  let influx: TestInfluxDatabase;
  let store: InfluxTelemetryStore;
  let evidence: InfluxqlEvidenceReader;
  let retention: InfluxTelemetryRetention;
  const hour = BASE_TIME - HOUR;

  beforeAll(async () => {
    influx = await createTestInfluxDatabase();
    store = new InfluxTelemetryStore({ url: influx.url, database: influx.database });
    const influxql = new InfluxqlHttpReader({ url: influx.url, database: influx.database, timeoutMs: 10_000 });
    evidence = new InfluxqlEvidenceReader(influxql, { database: influx.database });
    retention = new InfluxTelemetryRetention(influxql, { database: influx.database, hourlyPolicy: 'hourly_test', manageRawPolicy: false });
    await retention.prepare(RetentionSettingsSchema.parse({ raw_days: 1, hourly_months: 120 }));
    // The first half of the hour and a meter not read since, as an earlier version wrote them.
    await postEarlierLines(influx, [
      earlierLine('main-1', 'flow_rate', 'm3/h', 2, hour),
      earlierLine('main-1', 'flow_rate', 'm3/h', 8, hour + 10 * MINUTE),
      earlierLine('old-meter', 'volume_total', 'm3', 41.5, hour + 15 * MINUTE),
    ]);
    await store.writeReadings(origin, [
      readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 5, at: hour + 40 * MINUTE }),
      readingItem({ device_id: 'main-1', point: 'flow_rate', unit: 'm3/h', value: 1, at: hour + 50 * MINUTE }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await influx?.drop();
  });

  it('reads every reading with its unit, from the tag or the earlier field', async () => {
    const readings = await store.queryReadings({ from: hour, to: BASE_TIME, gatewayId: origin.gatewayId });
    expect(readings.map((r) => [r.device_id, r.value, r.unit])).toEqual([
      ['main-1', 2, 'm3/h'],
      ['main-1', 8, 'm3/h'],
      ['old-meter', 41.5, 'm3'],
      ['main-1', 5, 'm3/h'],
      ['main-1', 1, 'm3/h'],
    ]);
  });

  it('picks the evidence series by their latest unit, whichever layout holds it', async () => {
    const query = { estateId: origin.estateId, gatewayId: origin.gatewayId, deviceIds: ['main-1', 'old-meter'], from: hour, to: BASE_TIME, bucketMs: HOUR };
    const buckets = await evidence.readingBuckets(query);
    expect(buckets.map((b) => [b.deviceId, b.point, b.unit, b.count, b.min, b.max])).toEqual([
      ['main-1', 'flow_rate', 'm3/h', 4, 1, 8],
      ['old-meter', 'volume_total', 'm3', 1, 41.5, 41.5],
    ]);
    expect((await evidence.readingBuckets({ ...query, units: ['m3'] })).map((b) => b.deviceId)).toEqual(['old-meter']);
    expect((await evidence.readingBuckets({ ...query, units: ['m3/h'] })).map((b) => b.deviceId)).toEqual(['main-1']);
  });

  it('folds an hour of both layouts into one hourly row of the series', async () => {
    await retention.apply(retentionCutoffs(BASE_TIME + DAY + 30 * MINUTE, RetentionSettingsSchema.parse({ raw_days: 1, hourly_months: 120 })), noSql);
    const hours = await retention.hourlyReadings({ estateId: origin.estateId, gatewayId: origin.gatewayId, from: hour - DAY, to: BASE_TIME + DAY });
    expect(hours).toEqual([
      { gatewayId: origin.gatewayId, estateId: origin.estateId, deviceId: 'main-1', point: 'flow_rate', unit: 'm3/h', hour, count: 4, mean: 4, min: 1, max: 8, last: 1 },
      { gatewayId: origin.gatewayId, estateId: origin.estateId, deviceId: 'old-meter', point: 'volume_total', unit: 'm3', hour, count: 1, mean: 41.5, min: 41.5, max: 41.5, last: 41.5 },
    ]);
  });
});

/** A reading's line as earlier versions wrote it: tags in key order, the unit a string field. */
function earlierLine(deviceId: string, point: string, unit: string, value: number, at: number): string {
  return `readings,device_id=${deviceId},estate_id=${origin.estateId},gateway_id=${origin.gatewayId},point=${point} unit="${unit}",value=${value} ${at}`;
}

async function postEarlierLines(influx: TestInfluxDatabase, lines: string[]): Promise<void> {
  const response = await fetch(new URL(`/write?db=${encodeURIComponent(influx.database)}&precision=ms`, influx.url), { method: 'POST', body: lines.join('\n') });
  if (response.status !== 204) throw new Error(`InfluxDB answered ${response.status}: ${await response.text()}`);
}
