import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ReadingItem } from '../../shared/contract/index.js';
import type { Cloud } from '../../cloud/cloud-service.js';
import { readingPoint } from '../../cloud/telemetry/influx-series-layout.js';
import { toV2Point } from '../../cloud/telemetry/influx-v2-line-protocol.js';
import { INSERT_READINGS_SQL, readingWriteParams } from '../../cloud/telemetry/sql-telemetry-store.js';
import type { OriginItems } from '../../cloud/telemetry/telemetry-store.js';
import { CONCURRENT_READING_WRITES, MAX_ITEMS_PER_WRITE } from '../../cloud/ingest/grouped-telemetry-writes.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { createTestInfluxDatabase, type TestInfluxDatabase } from '../support/influxdb.js';
import { startTestCloud } from '../support/test-cloud.js';
import type { BenchRow } from './bench-table.js';
import { PROJECT_ROOT } from './child-process.js';
import { benchGatewayId, READINGS_PER_MESSAGE, telemetryPayload } from './fleet-payloads.js';
import type { BurstResult, SimulatorArgs } from './fleet-simulator-process.js';
import { startOpenMosquitto, type OpenMosquitto } from './open-mosquitto.js';
import { cpuSecondsOf, processCpuSeconds } from './cpu-time.js';

/** Simulated gateways sending one burst; the messages go round robin over them. */
const GATEWAYS = 200;
/** Telemetry messages of one burst: 100,000 readings. */
const MESSAGES = 2_000;
/**
 * Measured rounds of each path. InfluxDB snapshots its cache and compacts its files in the
 * background, and that work lands on whichever round is running: for the same 100,000 points,
 * influxd's CPU in one round ranged from 0.64 to 2.6 s on either path. Each path's rate is taken
 * over all its rounds together (readings over summed seconds), so each pays for that work about as
 * often as the other; a median of three took one side's lucky round.
 */
const ROUNDS = 6;
/**
 * Unmeasured rounds of each path first: the cloud's first burst pays for compiling its code paths
 * and for its 200 registry look-ups, the bare path's first for its statements' first plans; neither
 * is what a running cloud pays per message.
 */
const WARM_UP_ROUNDS = 1;
/** The target: ingest at least 0.8 of the rate of writing the same rows straight to the store. */
const MIN_RATIO = 0.8;
const ESTATE = { id: 'bench-estate', name: 'Bench Gardens' };
const SIMULATOR = 'tests/bench/fleet-simulator-process.ts';

type Backend = 'influxdb' | 'sql';

export const benchIngestInflux = (): Promise<BenchRow[]> => benchIngest('influxdb');
export const benchIngestSql = (): Promise<BenchRow[]> => benchIngest('sql');

/**
 * Telemetry through the whole cloud against the store alone, in the same run.
 *
 * Ours: a burst of MESSAGES telemetry messages of 50 readings from GATEWAYS simulated gateways
 * (fleet-simulator-process.ts: 8 MQTT connections, QoS 1, all published at once) through a private
 * ACL-free Mosquitto (open-mosquitto.ts) into the cloud (started as deployed, lone instance,
 * persistent session), decoded, checked, stored (grouped writes, grouped-telemetry-writes.ts),
 * PUBACKed and receipted; timed from the first publish to the last receipt at the simulator.
 *
 * Baseline, on the same store in the same run: the same number of rows in the cloud's own layout,
 * pre-serialised before the clock starts, written straight to the store in writes of
 * MAX_ITEMS_PER_WRITE with CONCURRENT_READING_WRITES under way at once, as the cloud writes them:
 * - InfluxDB 1.x: line protocol POSTed to /write?precision=ms of a database of its own;
 * - PostgreSQL: the same INSERT ... SELECT FROM unnest() of the readings table (its indexes and
 *   ON CONFLICT) over pg, in the same database, the parameters' text built beforehand as the store
 *   builds it; the table emptied (TRUNCATE) before each round of either path.
 * Rounds interleaved in alternating order after WARM_UP_ROUNDS, rate over all ROUNDS; each round's
 * figures and CPU seconds go to stderr.
 */
async function benchIngest(backend: Backend): Promise<BenchRow[]> {
  let mosquitto: OpenMosquitto | undefined;
  let postgres: TestPostgresDatabase | undefined;
  let influx: TestInfluxDatabase | undefined;
  let bareInflux: TestInfluxDatabase | undefined;
  let cloud: Cloud | undefined;
  const pools: pg.Client[] = [];
  try {
    [mosquitto, postgres] = await Promise.all([startOpenMosquitto(), createTestPostgresDatabase()]);
    if (backend === 'influxdb') [influx, bareInflux] = await Promise.all([createTestInfluxDatabase(), createTestInfluxDatabase()]);
    cloud = await startTestCloud({
      brokerUrl: mosquitto.url,
      servicePassword: 'bench',
      databaseUrl: postgres.url,
      estate: ESTATE,
      gatewayIds: Array.from({ length: GATEWAYS }, (_, i) => benchGatewayId(i)),
      ...(influx ? { influx: { url: influx.url, database: influx.database } } : {}),
    });
    for (let i = 0; i < CONCURRENT_READING_WRITES; i++) {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      pools.push(client);
    }
    const emptyReadings = async (): Promise<void> => void (backend === 'sql' && (await pools[0]!.query('TRUNCATE readings')));
    const cpu = cpuCounters(pools[0]!, mosquitto.pid);
    const ours = async (): Promise<number> => {
      await emptyReadings();
      const before = await cpu.read();
      const result = await runBurst({ mode: 'burst', url: mosquitto!.url, run: randomBytes(4).toString('hex'), gateways: GATEWAYS, messages: MESSAGES });
      if (result.rejected > 0) throw new Error(`the cloud refused ${result.rejected} of the benchmark's messages`);
      const rate = (MESSAGES * READINGS_PER_MESSAGE) / result.seconds;
      const used = cpu.since(before, await cpu.read());
      process.stderr.write(`    ours: ${Math.round(rate)} readings/s in ${result.seconds.toFixed(2)} s (broker's last PUBACK at ${result.publishedSeconds.toFixed(2)} s); ${used}, simulator ${result.cpuSeconds.toFixed(2)}\n`);
      return rate;
    };
    const bare = async (): Promise<number> => {
      await emptyReadings();
      const messages = sameMessages(randomBytes(4).toString('hex'));
      const readings = messages.reduce((sum, message) => sum + message.items.length, 0);
      const write = backend === 'influxdb' ? postLines(bareInflux!, messages) : insertRows(pools, messages);
      const before = await cpu.read();
      const seconds = await write();
      const used = cpu.since(before, await cpu.read());
      process.stderr.write(`    bare: ${Math.round(readings / seconds)} readings/s in ${seconds.toFixed(2)} s; ${used}\n`);
      return readings / seconds;
    };

    const rates: Record<'ours' | 'bare', number[]> = { ours: [], bare: [] };
    for (let round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
      process.stderr.write(round < 0 ? '  warm-up round…\n' : `  round ${round + 1} of ${ROUNDS}…\n`);
      const order = round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
      for (const path of order) {
        const rate = path === 'ours' ? await ours() : await bare();
        if (round >= 0) rates[path].push(rate);
      }
    }
    const oursRate = sustainedRate(rates.ours);
    const bareRate = sustainedRate(rates.bare);
    const ratio = oursRate / bareRate;
    const store = backend === 'influxdb' ? 'InfluxDB 1.x' : 'SQL store on PostgreSQL';
    const baseline = backend === 'influxdb' ? 'pre-serialised line protocol POSTed to /write' : 'bare INSERT over unnest() of the same rows';
    return [
      {
        name: `ingest into ${store}: ${MESSAGES.toLocaleString('en-US')} messages of ${READINGS_PER_MESSAGE} readings from ${GATEWAYS} gateways through Mosquitto, to the last receipt, vs ${baseline} (${MAX_ITEMS_PER_WRITE.toLocaleString('en-US')} a write, ${CONCURRENT_READING_WRITES} at once), over ${ROUNDS} rounds`,
        ours: oursRate,
        baseline: bareRate,
        unit: 'readings/s',
        ratio,
        target: `>= ${MIN_RATIO} of the store alone`,
        met: ratio >= MIN_RATIO,
      },
    ];
  } finally {
    await Promise.allSettled(pools.map((client) => client.end()));
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop(), influx?.drop(), bareInflux?.drop()]);
  }
}

/** The rate over rounds of equal size: their readings over their summed seconds, the harmonic mean of their rates. */
function sustainedRate(rates: readonly number[]): number {
  return rates.length / rates.reduce((seconds, rate) => seconds + 1 / rate, 0);
}

/** Runs the simulator in burst mode and waits for its result line. */
export async function runBurst(args: SimulatorArgs): Promise<BurstResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', SIMULATOR, JSON.stringify(args)], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for await (const line of createInterface({ input: child.stdout! })) {
    const parsed = JSON.parse(line) as BurstResult;
    if (parsed.type === 'done') {
      await exited;
      return parsed;
    }
  }
  throw new Error(`the simulator exited with ${await exited} before it was done`);
}

/** The messages of one burst as the simulator sends them (same gateways, meters, values and count), each under its origin. */
function sameMessages(run: string): Array<OriginItems<ReadingItem>> {
  const at = Date.now();
  const messages: Array<OriginItems<ReadingItem>> = [];
  for (let i = 0; i < MESSAGES; i++) {
    const gatewayId = benchGatewayId(i % GATEWAYS);
    const message = JSON.parse(telemetryPayload(gatewayId, Math.floor(i / GATEWAYS) + 1, at, run)) as { items: ReadingItem[] };
    messages.push({ origin: { gatewayId, estateId: ESTATE.id, receivedAt: at }, items: message.items });
  }
  return messages;
}

/** The messages in writes of at most MAX_ITEMS_PER_WRITE readings, as the cloud groups them. */
function inWrites(messages: ReadonlyArray<OriginItems<ReadingItem>>): Array<Array<OriginItems<ReadingItem>>> {
  const perWrite = Math.floor(MAX_ITEMS_PER_WRITE / READINGS_PER_MESSAGE);
  const writes: Array<Array<OriginItems<ReadingItem>>> = [];
  for (let start = 0; start < messages.length; start += perWrite) writes.push(messages.slice(start, start + perWrite));
  return writes;
}

/** Serialises the readings as line protocol; the function returned POSTs them and resolves to the seconds it took. */
function postLines(influx: TestInfluxDatabase, messages: ReadonlyArray<OriginItems<ReadingItem>>): () => Promise<number> {
  const bodies = inWrites(messages).map((groups) =>
    groups.flatMap(({ origin, items }) => items.map((reading) => toV2Point(readingPoint(origin, reading)).toLineProtocol()!)).join('\n'),
  );
  const url = new URL(`/write?db=${encodeURIComponent(influx.database)}&precision=ms`, influx.url);
  return async () => {
    const start = performance.now();
    await inParallel(bodies, async (body) => {
      const response = await fetch(url, { method: 'POST', body });
      if (response.status !== 204) throw new Error(`InfluxDB answered ${response.status}: ${await response.text()}`);
    });
    return (performance.now() - start) / 1000;
  };
}

/**
 * Builds the parameters of INSERTs of the readings over unnest(): the same statement and array text
 * as the store sends (readingWriteParams), each message's readings under its origin. The function
 * returned runs them and resolves to the seconds it took, so the clock sees the store alone, as with
 * the InfluxDB baseline's pre-serialised line protocol.
 */
function insertRows(clients: pg.Client[], messages: ReadonlyArray<OriginItems<ReadingItem>>): () => Promise<number> {
  const batches = inWrites(messages).map((groups) => readingWriteParams(groups).params);
  return async () => {
    const free = [...clients];
    const start = performance.now();
    await inParallel(batches, async (params) => {
      const client = free.pop()!;
      try {
        await client.query(INSERT_READINGS_SQL, params);
      } finally {
        free.push(client);
      }
    });
    return (performance.now() - start) / 1000;
  };
}

/**
 * CPU seconds used by the cloud (this process: the cloud runs in it, and the bench itself only
 * waits meanwhile), the PostgreSQL backends connected to the bench's database, the broker, and
 * every influxd process (the one InfluxDB both paths write to, with whatever else it does
 * meanwhile: its cache snapshots and compactions land in whichever round is running): printed with
 * each round, to show where the time goes.
 */
function cpuCounters(client: pg.Client, brokerPid: number) {
  type Reading = { cloud: number; postgres: number; broker: number; influxd: number };
  return {
    async read(): Promise<Reading> {
      const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
      const { user, system } = process.cpuUsage();
      return { cloud: (user + system) / 1e6, postgres: rows.reduce((sum, row) => sum + processCpuSeconds(row.pid), 0), broker: processCpuSeconds(brokerPid), influxd: cpuSecondsOf('influxd') };
    },
    since(before: Reading, after: Reading): string {
      return `CPU s: this process ${(after.cloud - before.cloud).toFixed(2)}, PostgreSQL ${(after.postgres - before.postgres).toFixed(2)}, broker ${(after.broker - before.broker).toFixed(2)}, influxd ${(after.influxd - before.influxd).toFixed(2)}`;
    },
  };
}

/** Runs `work` over the items, CONCURRENT_READING_WRITES at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENT_READING_WRITES }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

