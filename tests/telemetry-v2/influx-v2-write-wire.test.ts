import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeDataError, storeRefusesData, storeUnavailable } from '../../cloud/ingest/store-failure.js';
import {
  FIRST_RETRY_DELAY_MS,
  GZIP_THRESHOLD_BYTES,
  InfluxV2TelemetryStore,
  MAX_LINES_PER_REQUEST,
  WRITE_ATTEMPTS,
} from '../../cloud/telemetry/influx-v2-telemetry-store.js';
import { TelemetryDataRefused, TelemetryStoreUnavailable } from '../../cloud/telemetry/telemetry-store.js';
import { BASE_TIME, eventItem, readingItem } from '../support/wire-fixtures.js';
import { InfluxV2Receiver } from './influx-v2-receiver.js';

const TOKEN = 'tok3n/with+symbols==';
const ORG = 'Harbour Estates';
const BUCKET = 'estate telemetry';

/**
 * The v2 store against a receiver that checks InfluxDB 2.x's write API on the wire. No waiting on
 * a clock: the store's pauses between attempts go to a recorder that resolves at once.
 */
describe('InfluxDB v2 write API on the wire', () => {
  let receiver: InfluxV2Receiver;
  let pauses: number[];
  let store: InfluxV2TelemetryStore;

  beforeAll(async () => {
    receiver = await InfluxV2Receiver.start({ token: TOKEN, org: ORG, bucket: BUCKET });
  });
  afterAll(() => receiver?.stop());

  const freshStore = (): InfluxV2TelemetryStore => {
    pauses = [];
    receiver.writes.length = 0;
    receiver.violations.length = 0;
    store = new InfluxV2TelemetryStore({ url: receiver.url, token: TOKEN, org: ORG, bucket: BUCKET, sleep: async (ms) => void pauses.push(ms) });
    return store;
  };
  afterEach(() => {
    expect(receiver.violations).toEqual([]);
  });

  const origin = { gatewayId: 'gw-1', estateId: 'estate-1', receivedAt: BASE_TIME };

  it('POSTs /api/v2/write with org, bucket and precision ms, the token, and plain line protocol', async () => {
    freshStore();
    const reading = readingItem({ device_id: 'meter-3', point: 'energy_total', value: 229, unit: 'kWh', at: BASE_TIME + 5 });
    await store.writeReadings(origin, [reading]);
    expect(receiver.writes).toHaveLength(1);
    const [write] = receiver.writes;
    expect(write!.method).toBe('POST');
    expect(write!.path).toBe('/api/v2/write');
    expect(write!.query).toEqual({ org: ORG, bucket: BUCKET, precision: 'ms' });
    expect(write!.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(write!.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(write!.headers['content-encoding']).toBeUndefined();
    // Tags and fields in key order; 229 without an "i" suffix is a float; the timestamp in ms.
    expect(write!.body).toBe(
      `readings,device_id=meter-3,estate_id=estate-1,gateway_id=gw-1,point=energy_total,unit=kWh value=229 ${BASE_TIME + 5}`,
    );
  });

  it('escapes commas, spaces and equals signs in tags, and quotes and backslashes in string fields', async () => {
    freshStore();
    const awkward = { gatewayId: 'gw 1,x=y', estateId: 'estate=2, east', receivedAt: BASE_TIME };
    const event = { ...eventItem({ at: BASE_TIME + 9, attributes: { note: 'said "hi"', path: 'C:\\doors' } }), device_id: 'door 7' };
    await store.writeEvents(awkward, [event]);
    // JSON.stringify gives {"note":"said \"hi\"","path":"C:\\doors"}; line protocol then escapes each " and \ once more.
    const attributes = '"{\\"note\\":\\"said \\\\\\"hi\\\\\\"\\",\\"path\\":\\"C:\\\\\\\\doors\\"}"';
    expect(receiver.writes[0]!.body).toBe(
      `events,device_id=door\\ 7,estate_id=estate\\=2\\,\\ east,gateway_id=gw\\ 1\\,x\\=y,type=door_opened ` +
        `attributes=${attributes},id="${event.id}",subject_id="door-1",subject_kind="device" ${BASE_TIME + 9}`,
    );
  });

  it(`gzips a body above ${GZIP_THRESHOLD_BYTES} bytes, and sends at most ${MAX_LINES_PER_REQUEST} lines a request`, async () => {
    freshStore();
    const readings = Array.from({ length: MAX_LINES_PER_REQUEST + 3 }, (_, i) => readingItem({ device_id: `meter-${i % 50}`, at: BASE_TIME + i }));
    await store.writeReadings(origin, readings);
    expect(receiver.writes.map((w) => w.body.split('\n').length)).toEqual([MAX_LINES_PER_REQUEST, 3]);
    const [big, small] = receiver.writes;
    expect(big!.headers['content-encoding']).toBe('gzip');
    expect(big!.wireBytes).toBeLessThan(Buffer.byteLength(big!.body) / 4);
    expect(small!.headers['content-encoding']).toBeUndefined();
    const times = receiver.writes.flatMap((w) => w.body.split('\n').map((line) => Number(line.slice(line.lastIndexOf(' ') + 1))));
    expect(times).toEqual(readings.map((r) => Date.parse(r.event_time)));
  });

  it('takes a 400 "partial write" as data refused for good, at once, without quoting the point', async () => {
    freshStore();
    receiver.answerNext({
      status: 400,
      body: { code: 'invalid', message: 'partial write: field type conflict: input field "value" on measurement "readings" is type string, already exists as type float dropped=1 \'readings,device_id=secret-meter value="x"\'' },
    });
    const error = await store.writeReadings(origin, [readingItem()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelemetryDataRefused);
    expect(storeRefusesData(error)).toBe(true);
    expect(storeUnavailable(error)).toBe(false);
    expect(describeDataError(error)).toMatch(/^InfluxDB refused the write \(400\): partial write: field type conflict/);
    expect(describeDataError(error)).not.toContain('secret-meter');
    expect(receiver.writes).toHaveLength(1);
    expect(pauses).toEqual([]);
  });

  it('takes 3.x\'s 400 "parsing failed" and 2.x\'s 422 (outside retention) as refused for good', async () => {
    freshStore();
    receiver.answerNext(
      { status: 400, body: { error: 'parsing failed for write_lp endpoint', data: { original_line: 'x', line_number: 1, error_message: 'bad' } } },
      { status: 422, body: { code: 'unprocessable entity', message: 'failure writing points to database: partial write: points beyond retention policy dropped=1' } },
    );
    expect(await store.writeReadings(origin, [readingItem()]).catch((e: unknown) => e)).toBeInstanceOf(TelemetryDataRefused);
    expect(await store.writeReadings(origin, [readingItem()]).catch((e: unknown) => e)).toBeInstanceOf(TelemetryDataRefused);
    expect(receiver.writes).toHaveLength(2);
  });

  it('takes a 400 for a series limit as the store being full: not refused for good', async () => {
    freshStore();
    receiver.answerNext({ status: 400, body: { code: 'invalid', message: 'partial write: max-series-per-database limit exceeded: (1000000) dropped=1' } });
    const error = await store.writeReadings(origin, [readingItem()]).catch((e: unknown) => e);
    expect(storeRefusesData(error)).toBe(false);
  });

  it('says plainly that the token was refused (401), without retrying, and holds the message back', async () => {
    freshStore();
    receiver.answerNext({ status: 401, body: { code: 'unauthorized', message: 'unauthorized access' } });
    const error = await store.writeEvents(origin, [eventItem()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelemetryStoreUnavailable);
    expect((error as Error).message).toBe(`InfluxDB refused the token (401): check telemetry.influxdb2.token, and that it may write to bucket "${BUCKET}"`);
    expect(storeUnavailable(error)).toBe(true);
    expect(storeRefusesData(error)).toBe(false);
    expect(receiver.writes).toHaveLength(1);
  });

  it('names the bucket when InfluxDB has none of that name (404), and holds the message back', async () => {
    freshStore();
    receiver.answerNext({ status: 404, body: { code: 'not found', message: `bucket "${BUCKET}" not found` } });
    const error = await store.writeEvents(origin, [eventItem()]).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`no bucket "${BUCKET}" of organisation "${ORG}"`);
    expect(storeUnavailable(error)).toBe(true);
    expect(receiver.writes).toHaveLength(1);
  });

  it('waits Retry-After on 429 and 503, then writes the same body again', async () => {
    freshStore();
    receiver.answerNext(
      { status: 429, headers: { 'retry-after': '1' }, body: { code: 'too many requests', message: 'org exceeded write limits' } },
      { status: 503, headers: { 'retry-after': '2' }, body: { code: 'unavailable', message: 'service unavailable' } },
    );
    await store.writeReadings(origin, [readingItem()]);
    expect(pauses).toEqual([1_000, 2_000]);
    expect(receiver.writes).toHaveLength(3);
    expect(new Set(receiver.writes.map((w) => w.body)).size).toBe(1);
  });

  it(`retries a 500 with a doubling backoff, then holds the message back after ${WRITE_ATTEMPTS} attempts`, async () => {
    freshStore();
    const internal = { status: 500, body: { code: 'internal error', message: 'engine: cache maximum memory size exceeded' } };
    receiver.answerNext(...Array.from({ length: WRITE_ATTEMPTS }, () => internal));
    const error = await store.writeReadings(origin, [readingItem()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelemetryStoreUnavailable);
    expect(storeUnavailable(error)).toBe(true);
    expect(receiver.writes).toHaveLength(WRITE_ATTEMPTS);
    expect(pauses).toHaveLength(WRITE_ATTEMPTS - 1);
    pauses.forEach((pause, i) => {
      const backoff = FIRST_RETRY_DELAY_MS * 2 ** i;
      expect(pause).toBeGreaterThanOrEqual(backoff);
      expect(pause).toBeLessThanOrEqual(backoff * 1.2);
    });
  });

  it('leaves a Retry-After longer than its own longest wait to ingest: held back at once', async () => {
    freshStore();
    receiver.answerNext({ status: 503, headers: { 'retry-after': '120' }, body: { code: 'unavailable', message: 'compacting' } });
    const error = await store.writeReadings(origin, [readingItem()]).catch((e: unknown) => e);
    expect(storeUnavailable(error)).toBe(true);
    expect(receiver.writes).toHaveLength(1);
    expect(pauses).toEqual([]);
  });

  it('sends nothing for an empty batch', async () => {
    freshStore();
    await store.writeEvents(origin, []);
    await store.writeReadings(origin, []);
    expect(receiver.writes).toHaveLength(0);
  });
});

describe('InfluxDB v2 write API with nobody listening', () => {
  it('holds the message back when the connection is refused, after retrying; ping() is false', async () => {
    const pauses: number[] = [];
    const gone = await InfluxV2Receiver.start({ token: TOKEN, org: ORG, bucket: BUCKET });
    const url = gone.url;
    await gone.stop();
    const store = new InfluxV2TelemetryStore({ url, token: TOKEN, org: ORG, bucket: BUCKET, sleep: async (ms) => void pauses.push(ms) });
    const error = await store.writeEvents({ gatewayId: 'gw-1', estateId: 'e', receivedAt: BASE_TIME }, [eventItem()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelemetryStoreUnavailable);
    expect(storeUnavailable(error)).toBe(true);
    expect(pauses).toHaveLength(WRITE_ATTEMPTS - 1);
    expect(await store.ping()).toBe(false);
  });
});
