import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * An RS-485 cable in software: two linked pseudo-terminals made by socat. The gateway opens one end
 * as its serial port, a simulated meter (or a test's peer) the other. Stopping it makes both ends
 * vanish, as pulling a USB adapter does; restarting brings them back under the same paths.
 */
export interface VirtualSerialLine {
  /** Path the gateway opens (a symlink to a /dev/pts/N). */
  readonly gatewayEnd: string;
  /** Path the simulated devices open. */
  readonly deviceEnd: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 5_000;

/** socat processes of this process, killed when it exits so none outlives it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Throws naming the missing package when socat is not installed. */
export function assertSocatInstalled(hint = 'install the Debian package socat'): void {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(`socat is not installed (needed for virtual serial lines); ${hint}`);
}

export async function openVirtualSerialLine(gatewayEnd: string, deviceEnd: string): Promise<VirtualSerialLine> {
  assertSocatInstalled();
  let child: ChildProcess | undefined = await startSocat(gatewayEnd, deviceEnd);

  async function stopSocat(): Promise<void> {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    // SIGTERM lets socat unlink its two symlinks; SIGKILL would leave them dangling.
    current.kill('SIGTERM');
    const timer = setTimeout(() => current.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }

  return {
    gatewayEnd,
    deviceEnd,
    stop: stopSocat,
    async restart() {
      await stopSocat();
      child = await startSocat(gatewayEnd, deviceEnd);
    },
  };
}

async function startSocat(a: string, b: string): Promise<ChildProcess> {
  for (const path of [a, b]) mkdirSync(dirname(path), { recursive: true });
  // -d -d prints "starting data transfer loop" once both ptys exist and their links are made.
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    await delay(20);
  }
}
