import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/net.js';
import { spawnBroker } from '../support/mosquitto.js';

export interface OpenMosquitto {
  url: string;
  /** The broker's process, for its CPU time (cpu-time.ts). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * A private Mosquitto 2 for the ingest benchmarks: no password file and no ACL, so that a simulator
 * process can publish for thousands of gateway ids over a few connections (the deployed ACL,
 * deploy/mosquitto/estatecare.acl, lets a login publish only under its own gateway id: a fleet would
 * need a connection per gateway, and the simulator's own cost would swamp what is measured). The
 * rest is as deployed where it matters to ingest: persistent sessions kept in memory, the queue
 * long enough for any backlog, the largest packet of the wire contract.
 */
export async function startOpenMosquitto(): Promise<OpenMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-bench-mosquitto-'));
  const port = await freePort();
  const confFile = join(dir, 'mosquitto.conf');
  writeFileSync(
    confFile,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 10000000', 'max_inflight_messages 1000', 'max_packet_size 264189', ''].join('\n'),
  );
  chmodSync(confFile, 0o644);
  const child = await spawnBroker(confFile, port);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
