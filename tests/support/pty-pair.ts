import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { START_SERVICES_HINT } from './service-unavailable.js';

/**
 * Two linked pseudo-terminals made by socat: bytes written to `a` come out of `b` and back. Stands
 * in for an RS-485 cable between a master and a slave: open one end with the driver under test, the
 * other end with a peer (pymodbus, a hand-written "evil slave", a DL/T 645 fake meter, ...).
 */
export interface PtyPair {
  /** Path of one end (a symlink to a /dev/pts/N that socat made). */
  a: string;
  /** Path of the other end. */
  b: string;
  /** Kills socat: both ends vanish, as when a USB-RS485 adapter is pulled out. Idempotent. */
  stop(): Promise<void>;
  /** Stops socat if it runs, then starts it again with the same two link paths (adapter plugged back in). */
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 5_000;

/** socat processes still running, killed when the test process exits so none outlives its test. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Fails (never skips) when socat is not installed, naming the script that installs it. */
export function assertSocatInstalled(): void {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`socat is not installed (needed for serial pty pairs); ${START_SERVICES_HINT}`);
  }
}

/** Creates a pty pair with link paths unique to this call, in a fresh temp folder. */
export async function createPtyPair(): Promise<PtyPair> {
  assertSocatInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  let child: ChildProcess | undefined = await startSocat(a, b);

  async function stopSocat(): Promise<void> {
    const current = child;
    child = undefined;
    if (current && current.exitCode === null && current.signalCode === null) {
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      // SIGTERM lets socat unlink its two symlinks; SIGKILL would leave them dangling.
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  return {
    a,
    b,
    async stop() {
      await stopSocat();
    },
    async restart() {
      await stopSocat();
      // the same folder and link paths as before, as a re-plugged adapter keeps its by-id path
      mkdirSync(dir, { recursive: true });
      child = await startSocat(a, b);
    },
  };
}

async function startSocat(a: string, b: string): Promise<ChildProcess> {
  // -d -d prints "starting data transfer loop" once both ptys exist and their links are made.
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  running.add(child);
  child.once('exit', () => running.delete(child));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`socat exited with code ${child.exitCode}: ${stderr.trim() || 'no output'}`);
    if (stderr.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`socat did not link ${a} and ${b} within ${READY_TIMEOUT_MS} ms: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
