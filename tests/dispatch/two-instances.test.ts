import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log/logger.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import { migrate } from '../../cloud/db/migrate.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { buildDispatch, type DispatchModule } from '../../cloud/dispatch/dispatch-module.js';
import { buildNotifications, type Notifications } from '../../cloud/notifications/build-notifications.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { MINUTE_MS } from '../../cloud/tickets/ticket-policy.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { alertItem } from '../support/wire-fixtures.js';
import { DispatchEstate, shanghai } from './dispatch-estate.js';

/** One cloud instance's dispatch and notification parts, on its own connection pool to the shared database. */
interface Instance {
  db: SqlDatabase;
  dispatch: DispatchModule;
  notifications: Notifications;
}

const TICKETS = 12;

/**
 * Two cloud instances on one PostgreSQL: their timer workers and notification dispatchers run at
 * the same moments over the same due rows. Every dispatch, every escalation step and every
 * notification happens once: claims are FOR UPDATE SKIP LOCKED and marked in the transaction that
 * acts on them. (A process killed mid-transaction rolls back, leaving the row due for the other:
 * tests/e2e/two-cloud-instances.test.ts kills whole instances under traffic.)
 */
describe('two cloud instances on one PostgreSQL', () => {
  let database: TestPostgresDatabase;
  let estate: DispatchEstate;
  let receiver: Server;
  const received: string[] = [];
  const instances: Instance[] = [];
  const T = shanghai('2026-11-24T10:00:00');

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    const first = await openDatabase({ url: database.url }, silentLogger());
    await migrate(first);
    estate = await DispatchEstate.open(first, T);
    await estate.person('fac', 'facilities');
    await estate.person('sup', 'supervisor');
    await estate.person('mgr', 'estate_manager');
    await estate.shift('fac', 'facilities', '08:00', '20:00');
    await estate.shift('sup', 'supervisor', '08:00', '20:00');
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(request.headers['webhook-id'] as string);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await estate.notifications.channels.create(await loadOperatorCaller(first), estate.estateId, { kind: 'webhook', name: 'receiver', url, secret: null, language: 'zh', show_resident_names: false, enabled: true });
    for (const db of [first, await openDatabase({ url: database.url }, silentLogger())]) {
      const notifications = buildNotifications(db, { publicUrl: 'https://care.example.com' }, estate.clock, silentLogger());
      const dispatch = buildDispatch(db, new SqlTicketRepository(db), { queue: notifications.queue, wake: () => {} }, estate.clock, silentLogger());
      instances.push({ db, dispatch, notifications });
    }
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
    for (const instance of instances) await instance.db.close();
    await database?.drop();
  });

  /** Both instances fire due timers and send due notifications at the same time, until neither has anything left. */
  async function bothRun(): Promise<void> {
    for (;;) {
      const fired = await Promise.all(instances.map((instance) => instance.dispatch.worker.runDue()));
      const sent = await Promise.all(instances.map((instance) => instance.notifications.dispatcher.runDue()));
      if ([...fired, ...sent].every((count) => count === 0)) return;
    }
  }

  it('dispatch, each escalation step and each notification happen once, whichever instance took them', async () => {
    const tickets = new TicketService(new SqlTicketRepository(instances[0]!.db), { clock: estate.clock, ...instances[0]!.dispatch.ticketOptions });
    const opened: string[] = [];
    for (let i = 0; i < TICKETS; i += 1) {
      const { ticket } = await tickets.handleAlert(
        { gatewayId: estate.gatewayId, estateId: estate.estateId, receivedAt: T },
        alertItem({ category: 'lift_fault', rule: 'lift_fault_code', subject: { kind: 'asset', id: 'lift-1' }, at: T }),
      );
      opened.push(ticket.id);
    }
    await bothRun();
    // Past the ack deadline (15 min) and the manager's step (15 min later): nobody acknowledged.
    estate.clock.set(T + 31 * MINUTE_MS);
    await bothRun();

    for (const id of opened) {
      const actions = await estate.auditActions(id);
      expect(actions.filter((action) => action === 'assigned'), id).toHaveLength(1);
      const steps = (await estate.escalations(id)).map((step) => `${step.chain}/${step.step}/${step.round}`);
      // Supervisor at 15 min and again at 25 (renotify every 10), the manager at 30.
      expect(steps.sort()).toEqual(['ack/0/0', 'ack/0/1', 'ack/1/0']);
    }
    const { rows } = await instances[0]!.db.query<{ notifications: string; sent: string; attempts: string }>(
      `SELECT count(DISTINCT n.id) AS notifications,
              count(DISTINCT d.id) FILTER (WHERE d.status = 'sent') AS sent,
              count(a.id) AS attempts
       FROM notifications n
       JOIN notification_deliveries d ON d.notification_id = n.id
       LEFT JOIN notification_attempts a ON a.delivery_id = d.id
       WHERE n.estate_id = $1`,
      [estate.estateId],
    );
    // Each ticket: its assignment and three escalation messages, each delivered once to the webhook.
    expect(rows[0]).toEqual({ notifications: String(TICKETS * 4), sent: String(TICKETS * 4), attempts: String(TICKETS * 4) });
    expect(received).toHaveLength(TICKETS * 4);
    expect(new Set(received).size).toBe(TICKETS * 4);
  }, 120_000);
});
