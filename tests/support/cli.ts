import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'deploy/cli/estatecare.ts';

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (a signal counts as null). */
  exited: Promise<number | null>;
  /** Resolves with the first stdout line matching the pattern; rejects naming it after timeoutMs. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Runs the estatecare command from source, as `npm start` and `npm run estatecare` do; input, when given, is its standard input. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin?.end(input);
  let out = '';
  let err = '';
  const lineWaiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    lineWaiters.forEach((check) => check());
  });
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = out.match(pattern);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          lineWaiters.delete(check);
        };
        lineWaiters.add(check);
        void exited.then(() => {
          if (lineWaiters.has(check)) {
            cleanup();
            reject(new Error(`the command exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        });
        check();
      });
    },
  };
}
