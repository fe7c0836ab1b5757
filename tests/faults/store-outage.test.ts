import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { startPrivateInfluxDb, type PrivateInfluxDb } from '../support/private-influxdb.js';
import { runCli, type CliRun } from '../support/cli.js';
import { eventually, freePort, waitForPort } from '../support/net.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { startTestCloud } from '../support/test-cloud.js';
import { TestDeviceFleet, testDeviceCredentials } from '../support/device-logins.js';

/**
 * Lifts that each press their alarm button once: four per phase (before, PostgreSQL down, between,
 * PostgreSQL read-only, InfluxDB down, after).
 */
const PHASES = ['before', 'postgres_down', 'between', 'postgres_read_only', 'influxdb_down', 'after'] as const;
type Phase = (typeof PHASES)[number];
const ALARMS_PER_PHASE = 4;
const ALARM_LIFTS = PHASES.length * ALARMS_PER_PHASE;
/** The lift whose status frames are counted as readings; it never alarms. */
const STATUS_LIFT = 'lift-status';
/** The lift used only to see the gateway reach the cloud before the test starts counting. */
const PROBE_LIFT = 'lift-probe';
/** One status frame this often from STATUS_LIFT, for the whole test. */
const STATUS_PERIOD_MS = 200;
/** Each store stays down at least this long (and until ingest has been seen holding a message). */
const OUTAGE_MS = 7_000;
const INFLUX_DATABASE = 'estatecare_store_outage';
const RETRIES_METRIC = 'estatecare_ingest_storage_retries_total';

/**
 * GB/T 24476 status points as the lift sends them and as the profile maps them
 * (device-profiles/lift_monitor_gbt24476.yaml value_map: door_zone 1 in / 2 not -> 1 / 0,
 * passenger_status 2 empty -> 0). A running car with nobody in it: no lift rule fires on it.
 */
function statusFrame(time: number, seq: number): { payload: Record<string, unknown>; readings: Record<string, number> } {
  const position = 1 + (seq % 18);
  const direction = Math.floor(seq / 18) % 2 === 0 ? 1 : 2;
  const zone = seq % 3 === 0 ? 1 : 2;
  const payload = {
    time: new Date(time).toISOString(),
    seq,
    car_status: 1,
    car_direction: direction,
    door_zone: zone,
    car_position: position,
    door_status: 1,
    passenger_status: 2,
    service_mode: 1,
    power_status: 1,
  };
  const readings = {
    car_status: 1,
    car_direction: direction,
    door_zone: zone === 1 ? 1 : 0,
    car_position: position,
    door_status: 1,
    passenger_status: 0,
    service_mode: 1,
    power_status: 1,
  };
  return { payload, readings };
}

/** One pino JSON line as "time msg: error (storesUp, topic)", without stacks. */
function briefLogLine(line: string): string {
  const entry = JSON.parse(line) as { time: number; msg?: string; err?: { message?: string }; storesUp?: boolean; topic?: string };
  const extra = [entry.storesUp === undefined ? '' : `storesUp=${entry.storesUp}`, entry.topic ?? ''].filter(Boolean).join(', ');
  return `${new Date(entry.time).toISOString()} ${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}${extra ? ` (${extra})` : ''}`;
}

interface InfluxSeries {
  tags?: Record<string, string>;
  columns: string[];
  values: Array<[number, ...unknown[]]>;
}

/**
 * PostgreSQL (tickets, registry) is stopped, then turned read-only as after a failover to a standby
 * (it still answers the health check but refuses every write), then InfluxDB (events, readings) is
 * stopped, each for seconds while
 * lifts keep sending status frames and pressing alarm buttons; each store is a private server that
 * this test stops and starts, Mosquitto is private too, and the gateway runs as its own process.
 * Ingest must hold every message while a store is down (no PUBACK, so the broker keeps the rest) and
 * store it once the store is back. Counted against what was produced: every alarm is exactly one
 * ticket and one stored event, and every status frame's readings are in InfluxDB, no more, no less.
 * InfluxDB keeps one point for an item written twice (same tags and time), so "one stored event"
 * there cannot see a duplicate: ingest's count of items stored must equal the points InfluxDB holds.
 */
describe('PostgreSQL and InfluxDB outages during ingest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-store-outage-'));
  const gatewayId = uniqueSlug('gw-stores');
  const passwords = { [gatewayId]: 'pw-stores-gw1', [SERVICE_USERNAME]: 'pw-stores-cloud' };
  const cloudLog: string[] = [];
  let mosquitto: MosquittoInstance;
  let postgres: PrivatePostgres;
  let influx: PrivateInfluxDb;
  let cloud: Cloud;
  let gateway: CliRun;
  let devices: TestDeviceFleet;

  /** One statement on the private PostgreSQL, on a connection of its own (the server is restarted in between). */
  async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: postgres.url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** One InfluxQL query on the test's database, times in epoch ms. */
  async function influxQuery(query: string): Promise<InfluxSeries[]> {
    const url = new URL('/query', influx.url);
    url.search = new URLSearchParams({ db: INFLUX_DATABASE, q: query, epoch: 'ms' }).toString();
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { results?: Array<{ series?: InfluxSeries[]; error?: string }>; error?: string };
    const result = body.results?.[0];
    if (!response.ok || body.error || !result || result.error) throw new Error(`InfluxDB refused "${query}": ${response.status} ${JSON.stringify(body)}`);
    return result.series ?? [];
  }

  /** The storage-retry counter as the cloud serves it on /metrics. */
  async function storageRetries(): Promise<number> {
    const text = await (await fetch(`${cloud.apiUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${RETRIES_METRIC} `));
    if (!line) throw new Error(`${RETRIES_METRIC} is not on /metrics`);
    return Number(line.split(' ')[1]);
  }

  /** Ingest's "holding the message" warnings logged since index `from`, with the stores' state ingest saw. */
  function holdWarnings(from: number): Array<{ storesUp: boolean; err?: { message?: string } }> {
    return cloudLog
      .slice(from)
      .map((line) => JSON.parse(line) as { msg?: string; storesUp: boolean; err?: { message?: string } })
      .filter((entry) => entry.msg === 'store unavailable; holding the message');
  }

  beforeAll(async () => {
    [mosquitto, postgres, influx] = await Promise.all([startMosquitto(passwords), startPrivatePostgres(), startPrivateInfluxDb()]);
    cloud = await startTestCloud(
      {
        brokerUrl: mosquitto.url,
        servicePassword: passwords[SERVICE_USERNAME],
        databaseUrl: postgres.url,
        influx: { url: influx.url, database: INFLUX_DATABASE },
        gatewayIds: [gatewayId],
      },
      // Warnings and errors kept as JSON lines: ingest's retries are part of what is checked.
      pino({ level: 'warn' }, { write: (line: string) => void cloudLog.push(line) }),
    );
    const localPort = await freePort();
    const lifts = [...Array.from({ length: ALARM_LIFTS }, (_, i) => `lift-${i}`), STATUS_LIFT, PROBE_LIFT];
    const config = {
      gateway: { id: gatewayId },
      uplink: { url: mosquitto.url, password: passwords[gatewayId], reconnect_period_ms: 200 },
      local_broker: { embedded: true, host: '127.0.0.1', port: localPort, device_credentials: testDeviceCredentials(lifts) },
      data_dir: join(dir, 'gateway'),
      log_level: 'warn',
      devices: lifts.map((id) => ({ id, profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id }, mqtt: { topic: `estate/${id}` } })),
    };
    const configFile = join(dir, 'gateway.yaml');
    writeFileSync(configFile, stringify(config));
    gateway = runCli(['gateway', '--config', configFile]);
    await waitForPort(localPort, 30_000);
    devices = new TestDeviceFleet(`mqtt://127.0.0.1:${localPort}`);
    // Devices publish into the gateway's broker with no session: until its driver has subscribed
    // (all device topics in one SUBSCRIBE), what they send reaches no one. Wait until the probe
    // lift's readings are in InfluxDB; from then on every frame the local broker acknowledges is read.
    let seq = 1;
    await eventually(
      'the gateway to read its lifts and reach the cloud',
      async () => {
        await devices.publish(PROBE_LIFT, `estate/${PROBE_LIFT}`, JSON.stringify(statusFrame(Date.now(), seq++).payload));
        const series = await influxQuery(`SELECT count("value") FROM "readings" WHERE "device_id" = '${PROBE_LIFT}'`);
        return series.length > 0;
      },
      45_000,
    );
  }, 120_000);

  afterAll(async () => {
    await devices?.end();
    if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.destroy(), influx?.destroy()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('loses no alarm, event or reading and opens no duplicate ticket', { timeout: 300_000 }, async () => {
    /** What the status lift produced: event time -> readings, for each frame its local broker acknowledged. */
    const producedFrames = new Map<number, Record<string, number>>();
    /** Alarm lift -> the event time of its one button press, and the phase it was pressed in. */
    const alarms = new Map<string, { time: number; phase: Phase }>();
    let lastTime = 0;
    const nextTime = (): number => (lastTime = Math.max(Date.now(), lastTime + 1));

    // Status frames from STATUS_LIFT for the whole test, each with its own event time (ms).
    let streaming = true;
    const stream = (async () => {
      for (let seq = 1; streaming; seq++) {
        const time = nextTime();
        const frame = statusFrame(time, seq);
        await devices.publish(STATUS_LIFT, `estate/${STATUS_LIFT}`, JSON.stringify(frame.payload));
        producedFrames.set(time, frame.readings);
        await sleep(STATUS_PERIOD_MS);
      }
    })();
    stream.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled

    let nextLift = 0;
    const pressAlarms = async (phase: Phase, spreadOverMs: number): Promise<void> => {
      for (let i = 0; i < ALARMS_PER_PHASE; i++) {
        const lift = `lift-${nextLift++}`;
        const time = nextTime();
        await devices.publish(lift, `estate/${lift}`, JSON.stringify({ time: new Date(time).toISOString(), seq: 1, event_code: 90 }));
        alarms.set(lift, { time, phase });
        await sleep(spreadOverMs / ALARMS_PER_PHASE);
      }
    };
    /** Every ticket of this gateway, of any type, as "subject type" -> how many. */
    const ticketsBySubject = async (): Promise<Map<string, number>> => {
      const rows = await sql<{ subject_id: string; type: string; n: string }>(
        `SELECT subject_id, type, count(*) AS n FROM tickets WHERE gateway_id = $1 GROUP BY subject_id, type`,
        [gatewayId],
      );
      return new Map(rows.map((row) => [`${row.subject_id} ${row.type}`, Number(row.n)]));
    };
    const allTicketsFor = (lifts: Iterable<string>) => {
      // Taken once: an iterator (a Map's keys) read again on the next look would be empty, and every() of nothing is true.
      const wanted = [...lifts];
      return async () => {
        const tickets = await ticketsBySubject();
        return wanted.every((lift) => tickets.has(`${lift} lift_entrapment`)) ? tickets : undefined;
      };
    };

    /** A store stopped, and started again. */
    const stopped = (store: PrivatePostgres | PrivateInfluxDb) => ({
      begin: () => store.stop(),
      end: async () => {
        expect(store.running).toBe(false);
        await store.start();
      },
    });
    /** PostgreSQL answering but refusing writes, as a standby after a failover, and then writable again. */
    const readOnly = (on: boolean) => async (): Promise<void> => {
      const client = new pg.Client({ connectionString: postgres.url, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        // ALTER SYSTEM cannot run in a transaction block; a reload applies it to every open session.
        await client.query(`ALTER SYSTEM SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
        await client.query('SELECT pg_reload_conf()');
      } finally {
        await client.end();
      }
    };

    /**
     * Brings a store fault about while traffic flows, keeps it for OUTAGE_MS and until ingest has
     * been seen holding a message because of it, presses alarms meanwhile, then ends it.
     */
    const outage = async (
      fault: { begin(): Promise<void>; end(): Promise<void> },
      phase: Phase,
      whileDown: () => Promise<unknown> = async () => undefined,
    ): Promise<{ retries: number; warnings: number; down: [number, number] }> => {
      const retriesBefore = await storageRetries();
      const logFrom = cloudLog.length;
      await fault.begin();
      const downAt = Date.now();
      await pressAlarms(phase, OUTAGE_MS / 2);
      const retriesDuring = await eventually(
        `ingest to retry a store write while ${phase}`,
        async () => {
          const retries = await storageRetries();
          return retries > retriesBefore && Date.now() - downAt >= OUTAGE_MS ? retries : undefined;
        },
        OUTAGE_MS + 30_000,
      );
      // Ingest saw the stores unable to write (not a poison message).
      const warnings = holdWarnings(logFrom).filter((warning) => !warning.storesUp).length;
      await whileDown();
      const upAt = Date.now();
      await fault.end();
      return { retries: retriesDuring - retriesBefore, warnings, down: [downAt, upAt] };
    };

    try {
      await pressAlarms('before', 2_000);
      await eventually('tickets for the alarms before the outages', allTicketsFor(alarms.keys()), 60_000);

      const postgresOutage = await outage(stopped(postgres), 'postgres_down');
      await pressAlarms('between', 2_000);
      // Everything so far is stored before the next fault, so the faults are seen apart.
      await eventually('tickets for the alarms up to PostgreSQL turning read-only', allTicketsFor(alarms.keys()), 90_000);

      const readOnlyOutage = await outage({ begin: readOnly(true), end: readOnly(false) }, 'postgres_read_only');
      await eventually('tickets for the alarms up to the InfluxDB outage', allTicketsFor(alarms.keys()), 90_000);

      // Alerts go to PostgreSQL alone: the lift alarms pressed while InfluxDB is down are tickets
      // before it is back, though their gateway's events (and readings) wait for it.
      const pressedWhileInfluxDown = () => [...alarms].filter(([, alarm]) => alarm.phase === 'influxdb_down').map(([lift]) => lift);
      const influxOutage = await outage(stopped(influx), 'influxdb_down', () =>
        eventually('tickets for the alarms pressed while InfluxDB is down, before it is back', allTicketsFor(pressedWhileInfluxDown()), 60_000),
      );
      await pressAlarms('after', 2_000);
      await sleep(2_000); // status frames after both outages too
      streaming = false;
      await stream;
      for (const phase of PHASES) expect([...alarms.values()].filter((a) => a.phase === phase)).toHaveLength(ALARMS_PER_PHASE);

      expect(postgresOutage.retries, 'storage retries while PostgreSQL was down').toBeGreaterThan(0);
      expect(postgresOutage.warnings, '"holding the message" with storesUp false while PostgreSQL was down').toBeGreaterThan(0);
      expect(readOnlyOutage.retries, 'storage retries while PostgreSQL was read-only').toBeGreaterThan(0);
      expect(readOnlyOutage.warnings, '"holding the message" with storesUp false while PostgreSQL was read-only').toBeGreaterThan(0);
      expect(influxOutage.retries, 'storage retries while InfluxDB was down').toBeGreaterThan(0);
      expect(influxOutage.warnings, '"holding the message" with storesUp false while InfluxDB was down').toBeGreaterThan(0);

      // Tickets: one per alarm, whatever phase it was pressed in.
      const tickets = await eventually(`tickets for all ${ALARM_LIFTS} alarms`, allTicketsFor(alarms.keys()), 90_000);
      expect([...tickets.keys()].sort(), 'tickets by subject and type').toEqual([...alarms.keys()].map((lift) => `${lift} lift_entrapment`).sort());
      expect([...tickets].filter(([, n]) => n !== 1), 'lifts with more than one ticket').toEqual([]);

      // Events: one lift_alarm_button per alarm lift, at the time it was pressed.
      const storedAlarms = await eventually(
        `${ALARM_LIFTS} lift_alarm_button events in InfluxDB`,
        async () => {
          const series = await influxQuery(
            `SELECT "id" FROM "events" WHERE "gateway_id" = '${gatewayId}' AND "type" = 'lift_alarm_button' GROUP BY "device_id"`,
          );
          return series.length === ALARM_LIFTS ? series : undefined;
        },
        90_000,
      );
      const storedTimes = Object.fromEntries(storedAlarms.map((s) => [s.tags?.device_id ?? '?', s.values.map((v) => v[0])]));
      const expectedTimes = Object.fromEntries([...alarms].map(([lift, alarm]) => [lift, [alarm.time]]));
      expect(storedTimes).toEqual(expectedTimes);

      // Readings: every point of every status frame, at its own event time, with its value; nothing else.
      const expectedReadings = new Map<string, Map<number, number>>();
      for (const [time, readings] of producedFrames) {
        for (const [point, value] of Object.entries(readings)) {
          if (!expectedReadings.has(point)) expectedReadings.set(point, new Map());
          expectedReadings.get(point)!.set(time, value);
        }
      }
      const readingsQuery = `SELECT "value" FROM "readings" WHERE "gateway_id" = '${gatewayId}' AND "device_id" = '${STATUS_LIFT}' GROUP BY "point"`;
      const countStored = (series: InfluxSeries[]): number => series.reduce((sum, s) => sum + s.values.length, 0);
      const expectedCount = producedFrames.size * Object.keys(statusFrame(0, 0).readings).length;
      const storedReadings = await eventually(
        `${expectedCount} readings of ${producedFrames.size} status frames in InfluxDB`,
        async () => {
          const series = await influxQuery(readingsQuery);
          return countStored(series) >= expectedCount ? series : undefined;
        },
        90_000,
      ).catch(async (error: Error) => {
        const series = await influxQuery(readingsQuery);
        const stored = new Set(series.flatMap((s) => s.values.map((v) => v[0])));
        const missing = [...producedFrames.keys()].filter((time) => !stored.has(time));
        throw new Error(
          `${error.message}; stored ${countStored(series)}; frames missing: ${missing.length} (${missing
            .slice(0, 20)
            .map((t) => new Date(t).toISOString())
            .join(', ')})`,
        );
      });
      const stored = new Map(storedReadings.map((s) => [s.tags?.point ?? '?', new Map(s.values.map(([time, value]) => [time, value as number]))]));
      expect(stored).toEqual(expectedReadings);
      // Each item written once: a second write of an event or reading overwrites its own point, so
      // the writes ingest counted would outnumber the points InfluxDB holds for this gateway (the
      // probe lift's readings from before the test included; nothing else of it is in flight now).
      const pointsHeld = async (measurement: string, field: string): Promise<number> => {
        const series = await influxQuery(`SELECT count("${field}") FROM "${measurement}" WHERE "gateway_id" = '${gatewayId}'`);
        return Number(series[0]?.values[0]?.[1] ?? 0);
      };
      const held = { events: await pointsHeld('events', 'id'), readings: await pointsHeld('readings', 'value') };
      expect(held.events, 'events in InfluxDB').toBe(ALARM_LIFTS);
      expect(await cloud.metrics.storedItemsCount('events'), 'events ingest wrote, against the points InfluxDB holds').toBe(held.events);
      expect(await cloud.metrics.storedItemsCount('telemetry'), 'readings ingest wrote, against the points InfluxDB holds').toBe(held.readings);
      // Frames were produced while each store was down, so what ingest held is among what was counted.
      const framesIn = ([from, to]: [number, number]): number => [...producedFrames.keys()].filter((t) => t >= from && t < to).length;
      expect(framesIn(postgresOutage.down), 'status frames while PostgreSQL was down').toBeGreaterThan(OUTAGE_MS / STATUS_PERIOD_MS / 2);
      expect(framesIn(readOnlyOutage.down), 'status frames while PostgreSQL was read-only').toBeGreaterThan(OUTAGE_MS / STATUS_PERIOD_MS / 2);
      expect(framesIn(influxOutage.down), 'status frames while InfluxDB was down').toBeGreaterThan(OUTAGE_MS / STATUS_PERIOD_MS / 2);

      // Nothing was given up on: no message acknowledged unstored, none refused as bad input.
      expect(await cloud.metrics.rejectedCount('store_rejected'), 'messages dropped by ingest').toBe(0);
      expect(await cloud.metrics.rejectedCount(), 'messages rejected by ingest').toBe(0);
      expect(cloudLog.filter((line) => line.includes('message set aside')), 'ingest set-aside log lines').toEqual([]);

      // Both processes came through it.
      expect(gateway.child.exitCode, `gateway exited; stderr: ${gateway.stderr().slice(-2000)}`).toBeNull();
      expect(gateway.child.signalCode).toBeNull();
      const health = await fetch(`${cloud.apiUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
      expect(health.status, await health.clone().text()).toBe(200);
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\n--- cloud warnings (last 30) ---\n${cloudLog.slice(-30).map(briefLogLine).join('\n')}\n--- gateway ---\n${gateway.stdout().slice(-2000)}${gateway.stderr().slice(-2000)}`,
        { cause: error },
      );
    } finally {
      streaming = false;
      await stream.catch(() => undefined);
    }
  });
});
