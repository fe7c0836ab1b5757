import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** A server of a test's own that the test stops and starts again on the same port and data. */
export interface RestartableServer {
  readonly running: boolean;
  /** Everything the server wrote since the first start, for failure messages. */
  readonly log: string;
  /** Stops it as an operator would (stopSignal), or forcibly after 30 s; resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again; resolves when it is ready. */
  start(): Promise<void>;
  /** Stops it if it runs and deletes its folder. */
  destroy(): Promise<void>;
}

export interface RestartableServerOptions {
  /** Names the server in errors: "PostgreSQL did not start on port 5433: ...". */
  name: string;
  port: number;
  /** The folder that holds its config and data; destroy() deletes it. */
  dir: string;
  /** Spawns the server with stdout and/or stderr piped. */
  spawn(): ChildProcess;
  /** Resolves when the server serves; given everything it wrote during this start so far. */
  ready(output: () => string): Promise<void>;
  /** How the server shuts down cleanly (PostgreSQL: SIGINT "fast"; influxd: SIGTERM). */
  stopSignal: NodeJS.Signals;
  /** What ends it when it does not stop, or when the test process exits. */
  killSignal: NodeJS.Signals;
}

const STARTUP_TIMEOUT_MS = 30_000;
const SHUTDOWN_TIMEOUT_MS = 30_000;

/** Servers still running, ended when the test process exits so none outlives its test. */
const running = new Map<ChildProcess, NodeJS.Signals>();
process.once('exit', () => {
  for (const [child, signal] of running) child.kill(signal);
});

/** Starts the server and returns its handle; a server that does not start is stopped and its folder removed. */
export async function startRestartableServer(options: RestartableServerOptions): Promise<RestartableServer> {
  let log = '';
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    if (child) return;
    const server = options.spawn();
    running.set(server, options.killSignal);
    child = server;
    let exited = false;
    server.once('exit', () => {
      exited = true;
      running.delete(server);
      if (child === server) child = null;
    });
    let thisRun = '';
    const collect = (chunk: Buffer): void => {
      log += chunk.toString();
      thisRun += chunk.toString();
    };
    server.stdout?.on('data', collect);
    server.stderr?.on('data', collect);
    const failed = new Promise<never>((_, reject) => {
      server.once('error', reject);
      server.once('exit', (code, signal) => reject(new Error(`it exited (${signal ?? code})`)));
    });
    failed.catch(() => undefined); // only raced below; an exit after a good start is stop()'s business
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not ready within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
    });
    try {
      await Promise.race([failed, timedOut, options.ready(() => thisRun)]);
    } catch (error) {
      if (!exited) server.kill(options.killSignal);
      throw new Error(`${options.name} did not start on port ${options.port}: ${(error as Error).message}\n${log.trim().slice(-2000)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async (): Promise<void> => {
    const server = child;
    if (!server) return;
    const gone = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill(options.stopSignal);
    const timer = setTimeout(() => server.kill(options.killSignal), SHUTDOWN_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  };

  try {
    await start();
  } catch (error) {
    rmSync(options.dir, { recursive: true, force: true });
    throw error;
  }
  return {
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
      rmSync(options.dir, { recursive: true, force: true });
    },
  };
}
