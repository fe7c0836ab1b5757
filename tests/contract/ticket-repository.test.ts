import { describe, expect, it } from 'vitest';
import { migrate } from '../../cloud/db/migrate.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { ManualClock } from '../../shared/time/clock.js';
import { SQL_BACKENDS } from '../support/sql-backends.js';
import { alertItem, BASE_TIME, uniqueSlug } from '../support/wire-fixtures.js';
import { describeTicketRepositoryContract } from './ticket-repository.contract.js';

for (const backend of SQL_BACKENDS) {
  describeTicketRepositoryContract(`SQL on ${backend.name}`, async () => {
    const { db, cleanup } = await backend.open();
    const registry = new RegistryRepository(db);
    return {
      repository: new SqlTicketRepository(db),
      registerGateway: async (estateId, gatewayId) => {
        await registry.upsertEstate({ id: estateId, name: `Estate ${estateId}` });
        await registry.upsertGateway({ id: gatewayId, estateId, name: `Gateway ${gatewayId}` });
      },
      cleanup,
    };
  });

  describe(`SqlTicketRepository on ${backend.name}`, () => {
    it('running migrate() again applies nothing and keeps the tickets', async () => {
      const { db, cleanup } = await backend.open();
      try {
        const registry = new RegistryRepository(db);
        const estateId = uniqueSlug('estate');
        const gatewayId = uniqueSlug('gw');
        await registry.upsertEstate({ id: estateId, name: 'Estate' });
        await registry.upsertGateway({ id: gatewayId, estateId, name: 'Gateway' });
        const repository = new SqlTicketRepository(db);
        const service = new TicketService(repository, { clock: new ManualClock(BASE_TIME) });
        const { ticket } = await service.handleAlert({ gatewayId, estateId, receivedAt: BASE_TIME }, alertItem());
        expect(await migrate(db)).toEqual([]);
        expect(await migrate(db)).toEqual([]);
        expect(await repository.get(ticket.id)).toEqual(ticket);
      } finally {
        await cleanup();
      }
    });

    it('the database refuses a second ticket for one episode, whatever the caller does', async () => {
      const { db, cleanup } = await backend.open();
      try {
        const registry = new RegistryRepository(db);
        await registry.upsertEstate({ id: 'e1', name: 'Estate' });
        await registry.upsertGateway({ id: 'g1', estateId: 'e1', name: 'Gateway' });
        const service = new TicketService(new SqlTicketRepository(db), { clock: new ManualClock(BASE_TIME) });
        const { ticket } = await service.handleAlert({ gatewayId: 'g1', estateId: 'e1', receivedAt: BASE_TIME }, alertItem());
        // The stored row with only its id changed, whatever the columns are.
        const duplicate = db.query(
          `INSERT INTO tickets SELECT (jsonb_populate_record(t, jsonb_build_object('id', 'another-id'))).* FROM tickets t WHERE t.id = $1`,
          [ticket.id],
        );
        await expect(duplicate).rejects.toMatchObject({ code: '23505' });
      } finally {
        await cleanup();
      }
    });
  });
}
