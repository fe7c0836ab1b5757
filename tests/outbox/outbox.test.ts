import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryOutbox } from '../../edge/outbox/memory-outbox.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { describeOutboxContract } from './outbox.contract.js';

describeOutboxContract('memory', async (clock) => ({ outbox: new MemoryOutbox(clock), cleanup: () => {} }));

describeOutboxContract('SQLite (temporary folder)', async (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-outbox-'));
  const outbox = new SqliteOutbox(join(dir, 'outbox.sqlite'), clock);
  return {
    outbox,
    cleanup: () => {
      outbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
