import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { eventually, freePort, waitForPort } from './net.js';
import { startRestartableServer, type RestartableServer } from './restartable-server.js';

const INSTALL_HINT = 'install InfluxDB 1.x (Debian package influxdb): bash deploy/dev/ensure-services.sh (as root), or apt-get install influxdb';

export interface PrivateInfluxDb extends RestartableServer {
  port: number;
  /** http://127.0.0.1:{port}, the v1 HTTP API. */
  url: string;
}

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
  const server = await startRestartableServer({
    name: 'InfluxDB',
    port,
    dir,
    spawn: () => spawn(influxd, ['-config', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }),
    ready: async () => {
      await waitForPort(port, 30_000);
      await eventually(
        `influxd /ping on port ${port} to answer 204`,
        async () => (await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(2_000) })).status === 204,
        30_000,
      );
    },
    // influxd closes its stores and exits on SIGTERM.
    stopSignal: 'SIGTERM',
    killSignal: 'SIGKILL',
  });
  return Object.assign(server, { port, url });
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
