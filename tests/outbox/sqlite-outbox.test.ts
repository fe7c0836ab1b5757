import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { alert, event, OutboxFolder, reading, T0, takeAllIds } from './outbox-fixtures.js';

const CHILD = fileURLToPath(new URL('./append-until-killed.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Takes and acknowledges everything: the ids, in the order taken. */
const drainIds = (outbox: SqliteOutbox): Promise<string[]> => takeAllIds(outbox, 'acknowledge');

describe('SQLite outbox: what survives a restart, a power cut and kill -9', () => {
  let folder: OutboxFolder;
  let path: string;
  const open = (): SqliteOutbox => folder.open(path);

  beforeEach(() => {
    folder = new OutboxFolder();
    path = folder.path('gateway', 'outbox.sqlite');
  });
  afterEach(() => folder.remove());

  it('keeps unacknowledged items across close and reopen; in-flight ones come back; the watermark stays', async () => {
    const first = open();
    await first.append('telemetry', [reading(1), reading(2)]);
    await first.append('alerts', [alert(3), alert(4)]);
    const acked = await first.take(1); // alert 3
    await first.acknowledge(acked!.keys);
    await first.take(1); // alert 4: in flight when the gateway stops
    first.close();

    const second = open();
    expect(await second.stats()).toEqual({ depth: 3, oldest_appended_at: T0, earliest_pending_event_time: T0 + 1, latest_acknowledged_event_time: T0 + 3 });
    expect(await drainIds(second)).toEqual(['alert-00000004', 'reading-00000001', 'reading-00000002']);
    // New keys after a restart never collide with acknowledged ones (AUTOINCREMENT).
    await second.append('events', [event(5)]);
    expect((await second.take(1))?.items.map((i) => i.id)).toEqual(['event-00000005']);
  });

  it('close() commits appends still buffered, and their promises resolve', async () => {
    const outbox = open();
    const pending = outbox.append('alerts', [alert(1)]);
    outbox.close();
    await pending;
    await expect(outbox.append('alerts', [alert(2)])).rejects.toThrow(/closed/);
    expect(await drainIds(open())).toEqual(['alert-00000001']);
  });

  it('power cut: a second connection, with the writer never closed, sees every item whose append resolved', async () => {
    const writer = open();
    const appends: Array<Promise<void>> = [];
    for (let n = 1; n <= 2000; n++) appends.push(writer.append(n % 2 ? 'alerts' : 'telemetry', [n % 2 ? alert(n) : reading(n)]));
    await Promise.all(appends);
    const reader = open(); // the writer is still open: nothing was flushed by a close
    const seen = await drainIds(reader);
    expect(seen).toHaveLength(2000);
    expect(new Set(seen).size).toBe(2000);
  });

  it('kill -9 right after appends resolved: every resolved append is in the file', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let resolvedUpTo = 0;
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`child exited with ${code} before it was killed`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) resolvedUpTo = Math.max(resolvedUpTo, Number(line));
        if (resolvedUpTo >= 3000 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await exited;
    const seen = new Set(await drainIds(open()));
    for (let n = 1; n <= resolvedUpTo; n++) expect(seen.has(alert(n).id), alert(n).id).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(resolvedUpTo);
  });
});
