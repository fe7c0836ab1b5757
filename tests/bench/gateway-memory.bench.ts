import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { createServer } from 'node:net';
import { stringify } from 'yaml';
import type { BenchRow } from './bench-table.js';
import { PROJECT_ROOT, spawnTs } from './child-process.js';

const PORTS = 10;
const UNITS_PER_PORT = 100;
const POLL_INTERVAL_S = 10;
const WARM_UP_MS = 20_000;
const STEADY_MS = 20_000;
const TARGET_MIB = 120;

/**
 * Resident memory of a gateway process (built JavaScript, with the NODE_OPTIONS of its systemd unit:
 * as deployed) with 1,000 Modbus TCP meters
 * configured and polling every 10 s, after warm-up and again at steady state; beside it, a bare
 * Node.js process that only loads the same libraries. Target: at most 120 MiB.
 */
export async function benchGatewayMemory(): Promise<BenchRow[]> {
  const cli = join(PROJECT_ROOT, 'dist/deploy/cli/estatecare.js');
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (!existsSync(cli)) throw new Error(`build did not produce ${cli}`);
  const meters = spawnTs('tests/bench/meter-server-process.ts', [String(PORTS), String(UNITS_PER_PORT)]);
  const broker = new Aedes();
  const brokerServer = createServer(broker.handle);
  await new Promise<void>((resolve) => brokerServer.listen(0, '127.0.0.1', resolve));
  const brokerPort = (brokerServer.address() as { port: number }).port;
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
    const baseline = spawn(process.execPath, [join(PROJECT_ROOT, 'tests/bench/idle-baseline-process.mjs')], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      await sleep(WARM_UP_MS);
      const warm = rssMiB(gateway.pid!);
      await sleep(STEADY_MS);
      const steady = rssMiB(gateway.pid!);
      const bare = rssMiB(baseline.pid!);
      return [
        { name: 'gateway RSS after warm-up, 1,000 devices', ours: warm, baseline: bare, unit: 'MiB', ratio: warm / bare, target: `<= ${TARGET_MIB} MiB`, met: warm <= TARGET_MIB },
        { name: 'gateway RSS at steady state, 1,000 devices', ours: steady, baseline: bare, unit: 'MiB', ratio: steady / bare, target: `<= ${TARGET_MIB} MiB`, met: steady <= TARGET_MIB },
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
