import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, freePort, waitForPort } from './net.js';
import { startRestartableServer, type RestartableServer } from './restartable-server.js';

/** Where Debian's postgresql-NN packages put the server binaries: /usr/lib/postgresql/<version>/bin. */
export const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
/** PostgreSQL refuses to run as root ("root" execution of the PostgreSQL server is not permitted). */
const SERVICE_USER = 'postgres';
const INSTALL_HINT = `install the postgresql package: bash deploy/dev/ensure-services.sh (as root), or apt-get install postgresql`;
/** The postmaster writes this once recovery is done and it takes connections. */
const READY_LINE = 'database system is ready to accept connections';

const execFileAsync = promisify(execFile);

export interface PrivatePostgres extends RestartableServer {
  port: number;
  /** postgres://postgres@127.0.0.1:{port}/postgres (trust auth). */
  url: string;
}

/**
 * A throwaway PostgreSQL server of its own, for tests that stop and start the database: initdb into
 * a temp folder, then the postmaster on a free loopback port with its unix socket in that folder and
 * trust auth. Run as root (CI), the server and initdb run as the `postgres` system user and the folder
 * is given to that user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const owner = serviceOwner();
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  mkdirSync(socketDir);
  if (owner) for (const path of [dir, socketDir]) chownSync(path, owner.uid, owner.gid);
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  try {
    // --no-sync: a throwaway cluster need not wait for the disk.
    await execFileAsync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      cwd: dir,
      ...asOwner,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`initdb failed: ${detail}`, { cause: error });
  }
  const port = await freePort();
  const server = await startRestartableServer({
    name: 'PostgreSQL',
    port,
    dir,
    spawn: () =>
      spawn(
        join(bin, 'postgres'),
        [
          '-D', dataDir,
          '-p', String(port),
          '-c', 'listen_addresses=127.0.0.1',
          '-c', `unix_socket_directories=${socketDir}`,
          // Durability across a power cut is not what this server is for; a clean shutdown still
          // checkpoints, so stop() and start() keep every committed row.
          '-c', 'fsync=off',
          '-c', 'max_connections=40',
          '-c', 'shared_buffers=16MB',
        ],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], ...asOwner },
      ),
    ready: async (output) => {
      await eventually(`"${READY_LINE}"`, () => output().includes(READY_LINE), 30_000);
      await waitForPort(port, 5_000);
    },
    // SIGINT is PostgreSQL's "fast" shutdown: active transactions are rolled back, clients disconnected.
    stopSignal: 'SIGINT',
    // SIGQUIT: immediate shutdown.
    killSignal: 'SIGQUIT',
  });
  return Object.assign(server, { port, url: `postgres://postgres@127.0.0.1:${port}/postgres` });
}

/** bin folder of the highest PostgreSQL version installed the Debian way; fails saying how to install it. */
function postgresBinDir(): string {
  const versions = existsSync(DEBIAN_POSTGRES_ROOT)
    ? readdirSync(DEBIAN_POSTGRES_ROOT)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .filter((name) => ['postgres', 'initdb'].every((tool) => existsSync(join(DEBIAN_POSTGRES_ROOT, name, 'bin', tool))))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`PostgreSQL server binaries (postgres, initdb) not found under ${DEBIAN_POSTGRES_ROOT}/<version>/bin; ${INSTALL_HINT}`);
  }
  return join(DEBIAN_POSTGRES_ROOT, versions[0]!, 'bin');
}

/** uid and gid of the `postgres` user when this process runs as root; null otherwise. */
function serviceOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === SERVICE_USER);
  if (!entry) {
    throw new Error(`running as root, and there is no "${SERVICE_USER}" user to run PostgreSQL as; ${INSTALL_HINT} (it creates that user)`);
  }
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}
