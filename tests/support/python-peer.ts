import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { START_SERVICES_HINT } from './service-unavailable.js';

/**
 * Debian's python3 with its python3-* packages (pymodbus 3.0 for the Modbus peer). Named in full:
 * the python3 first on PATH may be a version manager's build that does not see Debian's dist-packages.
 */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Fails (never skips) when SYSTEM_PYTHON cannot import the modules, naming the script that installs them. */
export function assertPythonModules(...modules: string[]): void {
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', modules.map((name) => `import ${name}`).join('; ')], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const reason = probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
    throw new Error(`${SYSTEM_PYTHON} cannot import ${modules.join(', ')} (${reason}); ${START_SERVICES_HINT}`);
  }
}

export interface PythonPeer {
  /** Everything the script wrote to stderr so far, for failure messages. */
  readonly stderr: string;
  /** Whether the process still runs. */
  readonly running: boolean;
  stop(): Promise<void>;
}

/** Python processes still running, killed when the test process exits so none outlives its test. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Runs `script args...` with SYSTEM_PYTHON and resolves once it prints `readyLine` on stdout.
 * Rejects with its stderr if it exits first or is not ready within `timeoutMs`.
 */
export async function startPythonPeer(script: string, args: readonly string[], options: { readyLine?: string; timeoutMs?: number } = {}): Promise<PythonPeer> {
  const readyLine = options.readyLine ?? 'READY';
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child = spawn(SYSTEM_PYTHON, ['-u', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not print ${readyLine} within ${timeoutMs} ms: ${stderr.trim() || 'no output'}`));
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split('\n').some((line) => line.trim() === readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${signal ?? code}) before it was ready: ${stderr.trim() || 'no output'}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${SYSTEM_PYTHON} ${script}: ${error.message}; ${START_SERVICES_HINT}`));
    });
  });
  return {
    get stderr() {
      return stderr;
    },
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
