/**
 * Child process of the SIGKILL test (sqlite-outbox.test.ts): appends alerts alert-00000001,
 * alert-00000002, ... to the outbox file in argv[2], a few appends per tick, and after each resolved
 * append prints the highest n such that every alert up to n has resolved. stdout to a pipe is
 * synchronous on Linux (Node.js process I/O docs), so a printed count left the process before the
 * next append. Never exits on its own: the test kills it with SIGKILL.
 */
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { alert } from './outbox-fixtures.js';

const outbox = new SqliteOutbox(process.argv[2]!);
const PER_TICK = 8;
let next = 1;
let resolvedUpTo = 0;
const resolved = new Set<number>();

function appendTick(): void {
  for (let i = 0; i < PER_TICK; i++) {
    const n = next++;
    void outbox.append('alerts', [alert(n)]).then(() => {
      resolved.add(n);
      while (resolved.delete(resolvedUpTo + 1)) resolvedUpTo++;
      process.stdout.write(`${resolvedUpTo}\n`);
    });
  }
  setImmediate(appendTick);
}

appendTick();
