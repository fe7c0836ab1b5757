import type { Clock } from '../../shared/time/clock.js';
import { silentLogger, type Logger } from '../../shared/log/logger.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import type { Caller } from '../../cloud/access/caller.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import type { Ticket } from '../../cloud/tickets/ticket.js';
import type { AlertCategory } from '../../shared/contract/index.js';
import { buildNotifications, type Notifications } from '../../cloud/notifications/build-notifications.js';
import type { NewChannel } from '../../cloud/notifications/channel-schemas.js';
import type { QueuedNotification } from '../../cloud/notifications/notification-queue.js';
import { newId } from '../../shared/ids.js';
import { alertItem } from '../support/wire-fixtures.js';

export const ESTATE = 'sunrise';
export const PUBLIC_URL = 'https://care.example.com';
/**
 * Long enough for a local receiver to answer twenty requests at once on a busy 2-core machine (a
 * request that times out is retried, and counted twice by the receiver).
 */
export const TEST_SEND_TIMEOUT_MS = 5_000;

/**
 * An estate with a building, a unit, a lift and a gateway; a housekeeper with a mobile and a Feishu
 * open_id; an administrator; and the notification system over the database.
 */
export interface NotificationWorld {
  db: SqlDatabase;
  clock: Clock;
  operator: Caller;
  tickets: TicketService;
  notifications: Notifications;
  housekeeperId: string;
  adminId: string;
  addChannel(channel: NewChannel): Promise<string>;
  careVisit(): Promise<Ticket>;
  deviceOffline(deviceId: string): Promise<Ticket>;
  /** Enqueues in its own transaction, due now unless sendAt is given. */
  enqueue(n: Partial<QueuedNotification> & { ticketId: string | null }): Promise<boolean>;
  /** Another dispatcher over the same database (a second cloud instance), optionally with its own send timeout. */
  secondInstance(sendTimeoutMs?: number): Notifications;
}

export async function notificationWorld(db: SqlDatabase, clock: Clock, logger: Logger = silentLogger()): Promise<NotificationWorld> {
  const registry = new RegistryRepository(db);
  await registry.upsertEstate({ id: ESTATE, name: '朝阳花园' });
  await registry.upsertGateway({ id: 'gw-sunrise', estateId: ESTATE, name: 'Building 1 gateway' });
  const operator = await loadOperatorCaller(db);
  const estates = new EstateService(db, clock);
  await estates.addBuilding(operator, ESTATE, { id: 'b1', name: '1号楼' });
  await estates.addUnit(operator, ESTATE, { id: 'hh-7f3a', building_id: 'b1', label: '1-101' });
  for (let i = 0; i < 12; i += 1) await estates.addUnit(operator, ESTATE, { id: `hh-${i}`, building_id: 'b1', label: `1-${201 + i}` });
  for (let i = 0; i < 12; i += 1) await estates.mapDevice(operator, ESTATE, { id: `meter-${i}`, gateway_id: 'gw-sunrise', profile: 'pir_generic', unit_id: `hh-${i}` });
  const staff = new StaffService(db, clock);
  const housekeeper = await staff.addStaff(operator, {
    login: 'wang.hk',
    display_name: '王管家',
    password: null,
    grants: [{ estate_id: ESTATE, role: 'housekeeper', building_ids: ['b1'] }],
    mobile: '13800001111',
    feishu_open_id: 'ou_7d8a6e6df7621556ce0d21922b676706',
  });
  const admin = await staff.addStaff(operator, { login: 'li.admin', display_name: '李管理员', password: null, grants: [{ estate_id: ESTATE, role: 'admin' }], mobile: '13900002222' });
  const tickets = new TicketService(new SqlTicketRepository(db), { clock });
  const build = (sendTimeoutMs = TEST_SEND_TIMEOUT_MS) => buildNotifications(db, { publicUrl: PUBLIC_URL, sendTimeoutMs }, clock, logger);
  const notifications = build();
  const open = async (category: AlertCategory, subject: { kind: 'unit' | 'device'; id: string }) =>
    (await tickets.handleAlert({ gatewayId: 'gw-sunrise', estateId: ESTATE, receivedAt: clock.now() }, alertItem({ category, rule: category, subject, at: clock.now() - 60_000 }))).ticket;
  return {
    db,
    clock,
    operator,
    tickets,
    notifications,
    housekeeperId: housekeeper.id,
    adminId: admin.id,
    addChannel: async (channel) => (await notifications.channels.create(operator, ESTATE, channel)).channel.id,
    careVisit: () => open('care_visit', { kind: 'unit', id: 'hh-7f3a' }),
    deviceOffline: (deviceId) => open('device_offline', { kind: 'device', id: deviceId }),
    enqueue: (n) =>
      db.transaction((tx) =>
        notifications.queue.enqueue(tx, {
          estateId: ESTATE,
          purpose: 'ticket_assigned',
          chain: 'ack',
          step: 0,
          recipientStaffIds: [housekeeper.id],
          audience: 'housekeeper',
          sendAt: clock.now(),
          dedupeKey: newId(),
          ...n,
        }),
      ),
    secondInstance: (sendTimeoutMs) => build(sendTimeoutMs),
  };
}

/** The deliveries of the estate by status, for assertions. */
export async function deliveryStatuses(db: SqlDatabase): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; count: string | number }>(`SELECT status, count(*) AS count FROM notification_deliveries GROUP BY status`);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
