import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cloud } from '../../cloud/cloud-service.js';
import type { TelemetryConfig } from '../../cloud/telemetry/create-telemetry-store.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { createTestInfluxDatabase, type TestInfluxDatabase } from '../support/influxdb.js';
import { startTestCloud } from '../support/test-cloud.js';
import type { BenchRow } from './bench-table.js';
import { PROJECT_ROOT } from './child-process.js';
import { CpuMeter, cpuSecondsOf, processCpuSeconds } from './cpu-time.js';
import { benchGatewayId, METERS_PER_GATEWAY } from './fleet-payloads.js';
import { seedFleetHistory } from './fleet-history.js';
import type { SimulatorArgs, StepResult, StepStart } from './fleet-simulator-process.js';
import { startOpenMosquitto, type OpenMosquitto } from './open-mosquitto.js';

/**
 * Gateways per step of the ramp; it stops at the first step not held. FLEET_RAMP_STEPS (gateways,
 * comma-separated, increasing) runs a shorter ramp, e.g. FLEET_RAMP_STEPS=2000,4000.
 */
const STEPS = rampSteps(process.env.FLEET_RAMP_STEPS) ?? [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000];
/** The stores ramped, in this order; FLEET_RAMP_STORES=sql (or influxdb) ramps one of them. */
const BACKENDS = rampBackends(process.env.FLEET_RAMP_STORES) ?? (['sql', 'influxdb'] as const);
/** Each step's length: its warm-up, then nearly two telemetry periods measured. */
const STEP_SECONDS = 30;
/** The first seconds of a step are not measured: the new gateways' first messages (a registry lookup each, a session at the broker) come in then. */
const WARMUP_SECONDS = 12;
/** The targets at the load held: receipt and alert-to-ticket p99 under 1 s. */
const RECEIPT_P99_MS = 1_000;
const TICKET_P99_MS = 1_000;
/** The goal: one instance holds this many gateways on each store. */
const GOAL_GATEWAYS = 10_000;
/** Messages a gateway sends a second: telemetry every 10 s, an event every 30 s, status every 60 s, an alert every 600 s. */
const MESSAGES_PER_GATEWAY_S = 1 / 10 + 1 / 30 + 1 / 60 + 1 / 600;
const SIMULATOR = 'tests/bench/fleet-simulator-process.ts';
const ESTATE = { id: 'fleet-estate', name: 'Fleet Gardens' };

type Backend = 'sql' | 'influxdb';

interface StepFigures extends StepResult {
  ticketP99Ms: number;
  tickets: number;
  cpu: { cloud: number; postgres: number; influxd: number; broker: number };
  /** The machine's 1-minute load average at the step's end: other work on a shared machine shows here. */
  load: number;
  held: boolean;
}

/** A store is at rest when it uses less than this share of a core over REST_WINDOW_MS. */
const REST_SHARE = 0.1;
const REST_WINDOW_MS = 5_000;
/** Waited at most, after which the ramp starts anyway. */
const REST_WAIT_MAX_MS = 300_000;

/**
 * Seconds until the store's processes (CPU seconds so far: `cpuSeconds`) are at rest. Millions of
 * series written at once leave InfluxDB snapshotting and compacting them for minutes (PostgreSQL:
 * autovacuum and the checkpoint), which an established fleet's store did long ago: the ramp
 * measures the fleet's load, not that.
 */
async function storeAtRest(cpuSeconds: () => number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const before = cpuSeconds();
    await sleep(REST_WINDOW_MS);
    const share = (cpuSeconds() - before) / (REST_WINDOW_MS / 1000);
    if (share < REST_SHARE || performance.now() - started > REST_WAIT_MAX_MS) return (performance.now() - started) / 1000;
  }
}

/**
 * A fleet of simulated gateways on the wire against one cloud instance, ramped until it is no
 * longer held, once on each store. Each gateway sends the fleet load (fleet-simulator-process.ts:
 * some 300 meters, a telemetry message of 50 readings every 10 s, status every minute, an event
 * every 30 s, an alert every 10 minutes, each at its own phase), all from one simulator process over
 * 8 MQTT connections through a private ACL-free Mosquitto (open-mosquitto.ts says why), into the
 * cloud as deployed (lone instance, persistent session) on PostgreSQL, with telemetry in
 * PostgreSQL or in InfluxDB 1.x.
 * Before the ramp, a reading of each meter of the whole fleet is stored (fleet-history.ts), so the
 * store serves an established fleet rather than creating its series during the steps.
 *
 * A step is held when, over the messages published after its warm-up, receipt p99 (publish to
 * receipt at the simulator, both on this machine's clock) and alert-to-ticket p99 (the alert's
 * event time, set at publish, to the ticket's opened_at) are under 1 s, every message is receipted
 * within 5 s of the step's end, and fewer than a second of messages are outstanding at its end (no
 * growing backlog). CPU is each part's share of one core over the step: the cloud (this process),
 * PostgreSQL (every "postgres" process of the server, which other work on this machine may share)
 * and the broker (and influxd), with the machine's load average beside them: on a shared machine
 * the parts may be short of CPU while none of them uses a whole core. Also the cloud's start time
 * with every gateway of the ramp registered: the first start (registry seeded from the config) and
 * a restart.
 *
 * Nothing compares with a baseline here: the row says how many gateways were held, against the
 * goal of 10,000 on each store.
 */
export async function benchFleetRamp(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const backend of BACKENDS) rows.push(...(await rampOn(backend)));
  return rows;
}

function rampSteps(setting: string | undefined): number[] | null {
  if (setting === undefined || setting.trim() === '') return null;
  const steps = setting.split(',').map((part) => Number(part.trim()));
  if (steps.some((step, i) => !Number.isSafeInteger(step) || step <= 0 || (i > 0 && step <= steps[i - 1]!))) {
    throw new Error(`FLEET_RAMP_STEPS must be increasing positive whole numbers of gateways separated by commas, not "${setting}"`);
  }
  return steps;
}

function rampBackends(setting: string | undefined): Backend[] | null {
  if (setting === undefined || setting.trim() === '') return null;
  const backends = setting.split(',').map((part) => part.trim());
  const unknown = backends.filter((backend) => backend !== 'sql' && backend !== 'influxdb');
  if (unknown.length > 0) throw new Error(`FLEET_RAMP_STORES takes sql and influxdb, not ${unknown.map((name) => `"${name}"`).join(', ')}`);
  return backends as Backend[];
}

async function rampOn(backend: Backend): Promise<BenchRow[]> {
  let mosquitto: OpenMosquitto | undefined;
  let postgres: TestPostgresDatabase | undefined;
  let influx: TestInfluxDatabase | undefined;
  let cloud: Cloud | undefined;
  try {
    [mosquitto, postgres] = await Promise.all([startOpenMosquitto(), createTestPostgresDatabase()]);
    if (backend === 'influxdb') influx = await createTestInfluxDatabase();
    const options = {
      brokerUrl: mosquitto.url,
      servicePassword: 'bench',
      databaseUrl: postgres.url,
      estate: ESTATE,
      gatewayIds: Array.from({ length: STEPS.at(-1)! }, (_, i) => benchGatewayId(i)),
      ...(influx ? { influx: { url: influx.url, database: influx.database } } : {}),
    };
    let started = performance.now();
    cloud = await startTestCloud(options);
    const firstStartS = (performance.now() - started) / 1000;
    await cloud.stop();
    started = performance.now();
    cloud = await startTestCloud(options);
    const restartS = (performance.now() - started) / 1000;
    process.stderr.write(`  ${backend}: cloud started in ${firstStartS.toFixed(2)} s with ${STEPS.at(-1)!.toLocaleString('en-US')} gateways registered (restart ${restartS.toFixed(2)} s)\n`);
    const telemetry: TelemetryConfig = influx ? { backend: 'influxdb', influxdb: { url: influx.url, database: influx.database } } : { backend: 'sql' };
    const seedS = await seedFleetHistory(telemetry, postgres.url, ESTATE.id, options.gatewayIds);
    process.stderr.write(`  ${backend}: a reading of each of the fleet's ${(options.gatewayIds.length * METERS_PER_GATEWAY).toLocaleString('en-US')} meters stored in ${seedS.toFixed(1)} s before the ramp\n`);
    const restS = await storeAtRest(() => cpuSecondsOf(influx ? 'influxd' : 'postgres'));
    process.stderr.write(`  ${backend}: the store at rest ${restS.toFixed(1)} s after that\n`);

    const tickets: Array<{ raisedAt: number; ms: number }> = [];
    cloud.onTicketOpened((ticket) => tickets.push({ raisedAt: ticket.raisedAt, ms: ticket.openedAt - ticket.raisedAt }));
    const steps = await runRamp(mosquitto, tickets);
    const held = steps.filter((step) => step.held).at(-1);
    const limit = steps.find((step) => !step.held);
    const store = backend === 'sql' ? 'SQL store on PostgreSQL' : 'InfluxDB 1.x';
    const describe = (step: StepFigures | undefined): string =>
      step
        ? `${step.gateways.toLocaleString('en-US')} gateways: receipt p50 ${step.p50Ms.toFixed(0)} ms, p99 ${fmtMs(step.p99Ms)}, alert-to-ticket p99 ${fmtMs(step.ticketP99Ms)} (${step.tickets} tickets), ` +
          `CPU cloud ${step.cpu.cloud.toFixed(0)} %, postgres ${step.cpu.postgres.toFixed(0)} %${backend === 'influxdb' ? `, influxd ${step.cpu.influxd.toFixed(0)} %` : ''}, broker ${step.cpu.broker.toFixed(0)} % of a core, ` +
          `load average ${step.load.toFixed(1)}, outstanding ${step.outstandingAtEnd}, simulator lag ${step.worstLagMs} ms`
        : 'none';
    return [
      {
        name: `fleet on the ${store}: gateways held by one instance (${STEP_SECONDS} s steps, each meter's series already stored); held ${describe(held)}; first not held ${describe(limit)}`,
        ours: held?.gateways ?? 0,
        baseline: null,
        unit: 'gateways',
        ratio: null,
        target: `>= ${GOAL_GATEWAYS.toLocaleString('en-US')} with receipt and alert-to-ticket p99 < 1 s`,
        met: (held?.gateways ?? 0) >= GOAL_GATEWAYS,
      },
      {
        name: `cloud start with ${STEPS.at(-1)!.toLocaleString('en-US')} gateways registered (${store}): first start, registry seeded from the config; restart ${restartS.toFixed(2)} s`,
        ours: firstStartS,
        baseline: null,
        unit: 's',
        ratio: null,
        target: 'reported (seconds, whatever the fleet)',
        met: true,
      },
    ];
  } finally {
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop(), influx?.drop()]);
  }
}

/** Runs the simulator through STEPS until a step is not held; the figures of every step run. */
async function runRamp(mosquitto: OpenMosquitto, tickets: Array<{ raisedAt: number; ms: number }>): Promise<StepFigures[]> {
  const args: SimulatorArgs = { mode: 'fleet', url: mosquitto.url, run: randomBytes(4).toString('hex'), steps: STEPS, stepSeconds: STEP_SECONDS, warmupSeconds: WARMUP_SECONDS };
  const child = spawn(process.execPath, ['--import', 'tsx', SIMULATOR, JSON.stringify(args)], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const meters = {
    cloud: new CpuMeter(() => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1e6;
    }),
    postgres: new CpuMeter(() => cpuSecondsOf('postgres')),
    influxd: new CpuMeter(() => cpuSecondsOf('influxd')),
    broker: new CpuMeter(() => processCpuSeconds(mosquitto.pid)),
  };
  const stepStarts = new Map<number, number>();
  const cpuOfStep = new Map<number, StepFigures['cpu']>();
  let previous: number | null = null;
  const figures: StepFigures[] = [];
  try {
    for await (const line of createInterface({ input: child.stdout! })) {
      const parsed = JSON.parse(line) as StepStart | StepResult;
      if (parsed.type === 'step-start') {
        const cpu = { cloud: meters.cloud.percent(), postgres: meters.postgres.percent(), influxd: meters.influxd.percent(), broker: meters.broker.percent() };
        if (previous !== null) cpuOfStep.set(previous, cpu);
        previous = parsed.gateways;
        stepStarts.set(parsed.gateways, Date.now());
        process.stderr.write(`  ${parsed.gateways.toLocaleString('en-US')} gateways…\n`);
        continue;
      }
      const start = stepStarts.get(parsed.gateways)!;
      const from = start + WARMUP_SECONDS * 1000;
      const to = start + STEP_SECONDS * 1000;
      const ofStep = tickets.filter((ticket) => ticket.raisedAt >= from && ticket.raisedAt < to).map((ticket) => ticket.ms);
      const ticketP99Ms = quantile(ofStep, 0.99);
      const cpu = cpuOfStep.get(parsed.gateways) ?? { cloud: meters.cloud.percent(), postgres: meters.postgres.percent(), influxd: meters.influxd.percent(), broker: meters.broker.percent() };
      const secondOfMessages = parsed.gateways * MESSAGES_PER_GATEWAY_S;
      const held =
        parsed.p99Ms < RECEIPT_P99_MS && ticketP99Ms < TICKET_P99_MS && parsed.receipted === parsed.measured && parsed.outstandingAtEnd < secondOfMessages && parsed.rejected === 0;
      const step: StepFigures = { ...parsed, ticketP99Ms, tickets: ofStep.length, cpu, load: loadavg()[0]!, held };
      figures.push(step);
      process.stderr.write(`    ${JSON.stringify(step)}\n`);
      if (!held) break;
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return figures;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  return [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1]!;
}

function fmtMs(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'never (some not receipted)';
}
