import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { createServer } from 'node:net';
import { stringify } from 'yaml';
import { StatusMessageSchema } from '../../shared/contract/index.js';
import type { BenchRow } from './bench-table.js';
import { PROJECT_ROOT, spawnTs } from './child-process.js';

const PORTS = 10;
const UNITS_PER_PORT = 100;
const POLL_INTERVAL_S = 10;
const WARM_UP_MS = 20_000;
const STEADY_MS = 20_000;
const TARGET_MIB = 120;
const DEVICES = PORTS * UNITS_PER_PORT;
/** At least one bus transaction per device per poll period, with a tenth of slack for the edges. */
const MIN_TRANSACTIONS_PER_S = (0.9 * DEVICES) / POLL_INTERVAL_S;

/**
 * Resident memory of a gateway process (built JavaScript, with the NODE_OPTIONS of its systemd unit:
 * as deployed) with 1,000 Modbus TCP meters configured and polling every 10 s, after warm-up and again
 * at steady state; beside it, a bare Node.js process that only loads the same libraries, under the same
 * NODE_OPTIONS. Target: at most 120 MiB, and only while the gateway really polls: its status (bus
 * counters) must show every device online and at least one transaction per device per poll period
 * over the steady window, or the row fails whatever the memory.
 */
export async function benchGatewayMemory(): Promise<BenchRow[]> {
  const cli = join(PROJECT_ROOT, 'dist/deploy/cli/estatecare.js');
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (!existsSync(cli)) throw new Error(`build did not produce ${cli}`);
  const meters = spawnTs('tests/bench/meter-server-process.ts', [String(PORTS), String(UNITS_PER_PORT)]);
  // aedes 1.x answers no CONNECT until its persistence is set up: createBroker() awaits that (listen()).
  const broker = await Aedes.createBroker();
  const brokerServer = createServer(broker.handle);
  await new Promise<void>((resolve) => brokerServer.listen(0, '127.0.0.1', resolve));
  const brokerPort = (brokerServer.address() as { port: number }).port;
  const statuses: PollingStatus[] = [];
  await new Promise<void>((resolve) =>
    broker.subscribe(
      'estatecare/v1/gw/gw-bench/status',
      (packet, done) => {
        statuses.push(pollingStatusOf(packet.payload.toString()));
        done();
      },
      resolve,
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-bench-'));
  try {
    const { ports } = (await meters.ready) as { ports: number[] };
    const config = {
      gateway: { id: 'gw-bench' },
      uplink: { url: `mqtt://127.0.0.1:${brokerPort}`, status_interval_s: 10 },
      local_broker: { embedded: true, host: '127.0.0.1', port: 0 },
      data_dir: join(dir, 'data'),
      log_level: 'warn',
      buses: ports.map((port, index) => ({ id: `tcp-${index}`, transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port })),
      devices: ports.flatMap((_, bus) =>
        Array.from({ length: UNITS_PER_PORT }, (__, unit) => ({
          id: `m-${bus}-${unit + 1}`,
          profile: 'eastron_sdm120',
          subject: { kind: 'unit', id: `hh-${bus}-${unit + 1}` },
          bus: `tcp-${bus}`,
          address: unit + 1,
          poll_interval_s: POLL_INTERVAL_S,
        })),
      ),
    };
    const configFile = join(dir, 'gateway.yaml');
    writeFileSync(configFile, stringify(config));
    const gateway = spawn(process.execPath, [cli, 'gateway', '--config', configFile], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_OPTIONS: deployedNodeOptions() },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const baseline = spawn(process.execPath, [join(PROJECT_ROOT, 'tests/bench/idle-baseline-process.mjs')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_OPTIONS: deployedNodeOptions() },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      await sleep(WARM_UP_MS);
      const warm = rssMiB(gateway.pid!);
      const warmStatus = statuses.at(-1);
      await sleep(STEADY_MS);
      const steady = rssMiB(gateway.pid!);
      const steadyStatus = statuses.at(-1);
      const bare = rssMiB(baseline.pid!);
      const polling = pollingRate(warmStatus, steadyStatus);
      const polled = polling.transactionsPerS >= MIN_TRANSACTIONS_PER_S && polling.offline === 0;
      const memoryTarget = `<= ${TARGET_MIB} MiB while polling`;
      return [
        { name: 'gateway RSS after warm-up, 1,000 devices', ours: warm, baseline: bare, unit: 'MiB', ratio: warm / bare, target: memoryTarget, met: warm <= TARGET_MIB && polled },
        { name: 'gateway RSS at steady state, 1,000 devices', ours: steady, baseline: bare, unit: 'MiB', ratio: steady / bare, target: memoryTarget, met: steady <= TARGET_MIB && polled },
        {
          name: `bus transactions while measured (${polling.offline} devices offline)`,
          ours: polling.transactionsPerS,
          baseline: null,
          unit: 'transactions/s',
          ratio: null,
          target: `>= ${MIN_TRANSACTIONS_PER_S} /s, none offline`,
          met: polled,
        },
      ];
    } finally {
      gateway.kill('SIGTERM');
      baseline.kill('SIGTERM');
    }
  } finally {
    await meters.stop();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    brokerServer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PollingStatus {
  at: number;
  transactions: number;
  offline: number;
}

/** The gateway's status message, reduced to what tells that it polls: its bus counters. */
function pollingStatusOf(payload: string): PollingStatus {
  const { status } = StatusMessageSchema.parse(JSON.parse(payload));
  const buses = status.online ? status.buses : [];
  return { at: Date.now(), transactions: buses.reduce((sum, bus) => sum + bus.transactions, 0), offline: buses.reduce((sum, bus) => sum + bus.devices_offline, 0) };
}

/** Transactions per second between two statuses; none at all when the gateway sent no status. */
function pollingRate(from: PollingStatus | undefined, to: PollingStatus | undefined): { transactionsPerS: number; offline: number } {
  if (!from || !to || to.at <= from.at) return { transactionsPerS: 0, offline: to?.offline ?? DEVICES };
  return { transactionsPerS: (to.transactions - from.transactions) / ((to.at - from.at) / 1000), offline: to.offline };
}

/** The NODE_OPTIONS the gateway's systemd unit runs it with, so the bench measures it as deployed. */
function deployedNodeOptions(): string {
  const unit = readFileSync(join(PROJECT_ROOT, 'deploy/systemd/estatecare-gateway.service'), 'utf8');
  const options = /^Environment=NODE_OPTIONS=(.*)$/m.exec(unit)?.[1];
  if (!options) throw new Error('deploy/systemd/estatecare-gateway.service sets no NODE_OPTIONS');
  return options;
}

/** VmRSS of a process, from /proc (Linux, where the gateway runs). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for process ${pid}: has it exited?`);
  return kib / 1024;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
