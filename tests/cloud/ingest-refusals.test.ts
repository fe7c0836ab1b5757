import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { InfluxDB } from 'influx';
import { toWireTime, type AlertItem, type Channel, type EventItem, type Receipt } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import type { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { EnvelopeFactory } from '../../edge/uplink/envelope-factory.js';
import { UplinkClient } from '../../edge/uplink/uplink-client.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { createTestInfluxDatabase, type TestInfluxDatabase } from '../support/influxdb.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { eventually } from '../support/net.js';
import { alertItem, eventItem, uniqueSlug } from '../support/wire-fixtures.js';
import { startTestCloud } from '../support/test-cloud.js';

/** PostgreSQL's integer (tickets.alert_revision) ends at 2^31 - 1; the wire's revision is any positive integer. */
const BEYOND_PG_INTEGER = 2 ** 31;
const YEAR_9999 = '9999-12-31T23:59:59.999Z';
const CLOCK_RESET = '2000-01-01T00:00:00.000Z';

/**
 * What ingest refuses for good, on the real parts: a private Mosquitto with the deployed ACL, the
 * cloud storing tickets in PostgreSQL and events in InfluxDB. No test here waits on a clock: each
 * waits for receipts and asserts order and counts.
 */
describe('messages and items refused for good', () => {
  const poisoner = uniqueSlug('gw-poisoner');
  const other = uniqueSlug('gw-other');
  const uplinkGateway = uniqueSlug('gw-uplink');
  const passwords = { [poisoner]: 'pw-poisoner-1', [other]: 'pw-other-12', [uplinkGateway]: 'pw-uplink-12', [SERVICE_USERNAME]: 'pw-refusals-cloud' };
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-refusals-'));
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let influx: TestInfluxDatabase;
  let cloud: Cloud;
  let sql: pg.Client;
  let publisher: GatewayPublisher;
  let otherPublisher: GatewayPublisher;

  beforeAll(async () => {
    [mosquitto, postgres, influx] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase(), createTestInfluxDatabase()]);
    cloud = await startTestCloud({
      brokerUrl: mosquitto.url,
      servicePassword: passwords[SERVICE_USERNAME]!,
      databaseUrl: postgres.url,
      influx: { url: influx.url, database: influx.database },
      gatewayIds: [poisoner, other, uplinkGateway],
    });
    sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();
    publisher = await GatewayPublisher.connect(mosquitto.url, poisoner, passwords[poisoner]!);
    otherPublisher = await GatewayPublisher.connect(mosquitto.url, other, passwords[other]!);
  });

  afterAll(async () => {
    await publisher?.close();
    await otherPublisher?.close();
    await sql?.end();
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop(), influx?.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const liftAlarm = (lift: string, overrides: Partial<AlertItem> = {}): AlertItem => ({
    ...alertItem({ subject: { kind: 'asset', id: lift }, category: 'lift_entrapment', severity: 'critical', rule: 'lift_entrapment', at: Date.now() }),
    ...overrides,
  });
  const doorEvent = (overrides: Partial<EventItem> = {}): EventItem => ({ ...eventItem({ at: Date.now() }), ...overrides });

  const ticketsOf = async (alerts: AlertItem[]): Promise<number> => {
    const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM tickets WHERE episode_id = ANY($1::text[])', [alerts.map((a) => a.episode_id)]);
    return Number(rows[0]!.n);
  };
  const storedEventIds = async (gatewayId: string): Promise<string[]> => {
    const client = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(influx.url).port), database: influx.database });
    const rows = await client.query<{ id: string | null }>(`SELECT * FROM events WHERE gateway_id = '${gatewayId}'`);
    return rows.flatMap((row) => (row.id === null ? [] : [row.id])).sort(); // the conflicting point written here has no id
  };
  const metric = async (name: string): Promise<number> => {
    const values = (await cloud.metrics.registry.getSingleMetric(name)!.get()).values;
    return values.reduce((sum, value) => sum + value.value, 0);
  };
  const brief = (receipt: Receipt) => ({ seq: receipt.seq, outcome: receipt.outcome, reason: receipt.reason, refused: receipt.refused });

  it('never delays messages of other gateways or later messages of its own gateway: each is answered once, in its turn', async () => {
    const poisoned: Array<{ what: string; channel: Channel; items: unknown[]; reason: string }> = [
      { what: 'U+0000 in an alert reason', channel: 'alerts', items: [liftAlarm('lift-p1', { reason: { zh: '电梯困人', en: 'reader 3\u0000' } })], reason: 'schema_violation' },
      { what: 'U+0000 in a door event attribute', channel: 'events', items: [doorEvent({ attributes: { credential_ref: '12\u00003' } })], reason: 'schema_violation' },
      { what: 'a revision PostgreSQL cannot hold (SQLSTATE 22003)', channel: 'alerts', items: [liftAlarm('lift-p2', { revision: BEYOND_PG_INTEGER })], reason: 'data_exception' },
      { what: 'an alert raised in the year 9999', channel: 'alerts', items: [liftAlarm('lift-p3', { event_time: YEAR_9999 })], reason: 'event_time_ahead' },
      { what: 'an event from a clock reset to 2000', channel: 'events', items: [doorEvent({ event_time: CLOCK_RESET })], reason: 'event_time_too_old' },
    ];
    const heldBefore = await metric('estatecare_ingest_storage_retries_total');
    const setAsideBefore = await cloud.metrics.rejectedCount('store_rejected');
    const poisonedSeqs: number[] = [];
    for (const { channel, items } of poisoned) {
      const envelope = publisher.envelope(items);
      poisonedSeqs.push(envelope.seq as number);
      await publisher.publish(channel, envelope);
    }
    const laterOwn = liftAlarm('lift-a-later');
    const laterEnvelope = publisher.envelope([laterOwn]);
    await publisher.publish('alerts', laterEnvelope);
    const otherP1 = liftAlarm('lift-b');
    const otherEnvelope = otherPublisher.envelope([otherP1]);
    await otherPublisher.publish('alerts', otherEnvelope);

    expect(await otherPublisher.receiptOf(otherEnvelope.seq as number)).toEqual({ seq: otherEnvelope.seq, outcome: 'stored' });
    expect(await publisher.receiptOf(laterEnvelope.seq as number)).toEqual({ seq: laterEnvelope.seq, outcome: 'stored' });
    // One gateway's receipts arrive in the order ingest handled its messages on each lane (alerts on
    // the urgent one, events on the telemetry one, ingest-lanes.ts): every poisoned alert was
    // answered, refused for good, before the later one; every poisoned event is answered too, in
    // its turn; none is left to come back.
    for (const seq of poisonedSeqs) await publisher.receiptOf(seq);
    const answered = poisoned.map(({ channel, reason }, i) => ({ channel, receipt: { seq: poisonedSeqs[i], outcome: 'rejected', reason, refused: undefined } }));
    const later = { seq: laterEnvelope.seq, outcome: 'stored', reason: undefined, refused: undefined };
    const receiptsOn = (seqs: unknown[]) => publisher.receipts.map(brief).filter((receipt) => seqs.includes(receipt.seq));
    const alertReceipts = [...answered.filter(({ channel }) => channel === 'alerts').map(({ receipt }) => receipt), later];
    const eventReceipts = answered.filter(({ channel }) => channel === 'events').map(({ receipt }) => receipt);
    expect(receiptsOn(alertReceipts.map(({ seq }) => seq))).toEqual(alertReceipts);
    expect(receiptsOn(eventReceipts.map(({ seq }) => seq))).toEqual(eventReceipts);
    expect(publisher.receipts).toHaveLength(poisoned.length + 1);
    // Nothing was held back waiting for a store, nothing set aside to be sent again.
    expect(await metric('estatecare_ingest_storage_retries_total')).toBe(heldBefore);
    expect(await cloud.metrics.rejectedCount('store_rejected')).toBe(setAsideBefore);
    expect(await ticketsOf([laterOwn, otherP1])).toBe(2);
    expect(await ticketsOf(poisoned.filter((p) => p.channel === 'alerts').map((p) => p.items[0] as AlertItem))).toBe(0);
    for (const reason of ['data_exception', 'event_time_ahead', 'event_time_too_old'] as const) {
      expect(await cloud.metrics.itemsRefusedCount(reason), reason).toBe(1);
    }
    publisher.receipts.length = 0;
  });

  it('keeps the good items of a message and refuses only the bad ones, saying how many and why', async () => {
    const [good1, good2] = [liftAlarm('lift-g1'), liftAlarm('lift-g2')];
    const alerts = publisher.envelope([good1, liftAlarm('lift-x1', { revision: BEYOND_PG_INTEGER }), liftAlarm('lift-x2', { event_time: YEAR_9999 }), good2]);
    await publisher.publish('alerts', alerts);
    // A field type conflict in InfluxDB: "attributes" already a float in the shard of that time, 20
    // days back (inside the raw retention policy's 30 days, which the cloud sets on the database).
    const conflictAt = Date.now() - 20 * 24 * 3600_000;
    const line = `events,gateway_id=${poisoner},estate_id=test-estate,device_id=door-9,type=door_opened attributes=1 ${conflictAt}`;
    expect((await fetch(new URL(`/write?db=${influx.database}&precision=ms`, influx.url), { method: 'POST', body: line })).status).toBe(204);
    // Two doors: InfluxDB keeps one point per series and millisecond.
    const [goodEvent1, goodEvent2] = [doorEvent(), doorEvent({ device_id: 'door-2', subject: { kind: 'device', id: 'door-2' } })];
    const events = publisher.envelope([goodEvent1, doorEvent({ event_time: toWireTime(conflictAt) }), doorEvent({ event_time: CLOCK_RESET }), goodEvent2]);
    await publisher.publish('events', events);

    expect(await publisher.receiptOf(alerts.seq as number)).toEqual({ seq: alerts.seq, outcome: 'stored', refused: { data_exception: 1, event_time_ahead: 1 } });
    expect(await publisher.receiptOf(events.seq as number)).toEqual({ seq: events.seq, outcome: 'stored', refused: { event_time_too_old: 1, data_exception: 1 } });
    expect(await ticketsOf([good1, good2])).toBe(2);
    // InfluxDB 1.x answers a partial write at the first shard's error; the good points of another
    // shard group may be stored just after, so the test waits for both.
    expect(await eventually('both good door events stored', async () => {
      const ids = await storedEventIds(poisoner);
      return ids.length >= 2 && ids;
    })).toEqual([goodEvent1.id, goodEvent2.id].sort());
  });

  it('lets the gateway drop what was refused and count it as refused, not leave it waiting for a receipt', async () => {
    const outbox = new SqliteOutbox(join(dir, 'outbox.sqlite'));
    const uplink = new UplinkClient({
      url: mosquitto.url,
      username: uplinkGateway,
      password: passwords[uplinkGateway],
      keepaliveS: 30,
      reconnectPeriodMs: 100,
      receipts: { timeoutMs: 600_000, maxTimeoutMs: 600_000 },
      outbox,
      envelopes: new EnvelopeFactory(uplinkGateway, systemClock),
      logger: silentLogger(),
    });
    try {
      await uplink.start();
      const good = liftAlarm('lift-u1');
      await outbox.append('alerts', [good, liftAlarm('lift-u2', { event_time: YEAR_9999 }), liftAlarm('lift-u3', { revision: BEYOND_PG_INTEGER })]);
      uplink.kick();
      await eventually('the outbox empty', async () => (await outbox.stats()).depth === 0);
      expect(uplink.itemsRefusedByCloud).toBe(2);
      expect(uplink.awaitingReceipt).toBe(0);
      expect(await ticketsOf([good])).toBe(1);
    } finally {
      await uplink.stop();
      outbox.close();
    }
  });
});
