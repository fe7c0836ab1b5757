import { MemoryOutbox } from '../../edge/outbox/memory-outbox.js';
import { describeOutboxContract } from './outbox.contract.js';
import { OutboxFolder } from '../outbox/outbox-fixtures.js';

describeOutboxContract('memory', async (clock) => ({ outbox: new MemoryOutbox(clock), cleanup: () => {} }));

describeOutboxContract('SQLite (temporary folder)', async (clock) => {
  const folder = new OutboxFolder();
  return { outbox: folder.open(folder.path('outbox.sqlite'), clock), cleanup: () => folder.remove() };
});
