import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { eventually, freePort, waitForPort } from './net.js';

const INSTALL_HINT = 'install InfluxDB 1.x (Debian package influxdb): bash deploy/dev/ensure-services.sh (as root), or apt-get install influxdb';

export interface PrivateInfluxDb {
  port: number;
  /** http://127.0.0.1:{port}, the v1 HTTP API. */
  url: string;
  readonly running: boolean;
  /** What influxd wrote since start, for failure messages. */
  readonly log: string;
  /** SIGTERM (influxd closes its stores and exits); resolves once the process has exited. */
  stop(): Promise<void>;
  /** Starts influxd again with the same config and data; resolves when /ping answers 204. */
  start(): Promise<void>;
  /** Stops influxd if it runs and deletes its folder. */
  destroy(): Promise<void>;
}

/** Servers still running, killed when the test process exits so none outlives its test. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A throwaway InfluxDB 1.x of its own, for tests that stop and start the telemetry store: a config
 * in a temp folder with its own meta, data and WAL folders, the HTTP API on a free loopback port and
 * the RPC (backup/restore) bind address on another one (its default, 8088, belongs to the shared
 * instance of deploy/dev/ensure-services.sh), usage reporting off.
 */
export async function startPrivateInfluxDb(): Promise<PrivateInfluxDb> {
  const influxd = findOnPath('influxd');
  if (!influxd) throw new Error(`influxd is not installed (not on PATH); ${INSTALL_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-influxdb-'));
  const [port, rpcPort] = await twoFreePorts();
  const configFile = join(dir, 'influxdb.conf');
  writeFileSync(
    configFile,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      '  enabled = true',
      `  bind-address = "127.0.0.1:${port}"`,
      '  log-enabled = false',
      // 0: no cap on the rows one query returns (tests count every point).
      '  max-row-limit = 0',
      '[monitor]',
      // No _internal database: less work for a 2-core machine.
      '  store-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    if (child) return;
    const server = spawn(influxd, ['-config', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(server);
    child = server;
    let exited = false;
    server.once('exit', () => {
      exited = true;
      running.delete(server);
      if (child === server) child = null;
    });
    server.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const failed = new Promise<never>((_, reject) => {
      server.once('error', reject);
      server.once('exit', (code, signal) => reject(new Error(`influxd exited (${signal ?? code})`)));
    });
    failed.catch(() => undefined); // only raced below; an exit after a good start is stop()'s business
    try {
      await Promise.race([
        failed,
        (async () => {
          await waitForPort(port, 30_000);
          await eventually(
            `influxd /ping on port ${port} to answer 204`,
            async () => {
              if (exited) return false;
              const response = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(2_000) });
              return response.status === 204;
            },
            30_000,
          );
        })(),
      ]);
    } catch (error) {
      if (!exited) server.kill('SIGKILL');
      throw new Error(`InfluxDB did not start on port ${port}: ${(error as Error).message}\n${log.trim().slice(-2000)}`, { cause: error });
    }
  };

  const stop = async (): Promise<void> => {
    const server = child;
    if (!server) return;
    const gone = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  };

  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url,
    get running() {
      return child !== null;
    },
    get log() {
      return log;
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Two distinct free loopback ports (freePort alone may hand out the same one twice). */
async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  for (;;) {
    const second = await freePort();
    if (second !== first) return [first, second];
  }
}

function findOnPath(command: string): string | null {
  // Debian's influxdb package installs /usr/bin/influxd; a PATH without /usr/bin is still covered.
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
