import type { AlertItem } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { ManualClock } from '../../shared/time/clock.js';
import type { Role } from '../../cloud/access/roles.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { buildDispatch, type DispatchModule } from '../../cloud/dispatch/dispatch-module.js';
import type { DutyRole } from '../../cloud/dispatch/duty-roster.js';
import { buildNotifications, type Notifications } from '../../cloud/notifications/build-notifications.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import type { Ticket } from '../../cloud/tickets/ticket.js';
import { alertItem, uniqueSlug } from '../support/wire-fixtures.js';

/** The tests run the notification dispatcher themselves (runDue), at the moments they choose. */
const DISPATCHER_RUN_BY_THE_TEST = (): void => {};

/** A notification row as the tests read it. */
export interface QueuedRow {
  purpose: string;
  chain: string | null;
  step: number;
  audience: string;
  recipients: string[];
  status: string;
}

/**
 * One estate with two buildings (b1, b2), a lift in b1, a unit in each building, a gateway, staff
 * made by name, and the real dispatch and notification parts over the test's database on a
 * ManualClock. Nothing runs on its own: the test moves the clock and calls fireDue().
 */
export class DispatchEstate {
  readonly estateId = uniqueSlug('estate');
  readonly gatewayId = uniqueSlug('gw');
  readonly staff = new Map<string, string>();
  readonly clock: ManualClock;
  readonly tickets: TicketService;
  readonly dispatch: DispatchModule;
  readonly notifications: Notifications;

  private constructor(
    readonly db: SqlDatabase,
    start: number,
  ) {
    this.clock = new ManualClock(start);
    this.notifications = buildNotifications(db, { publicUrl: 'https://care.example.com' }, this.clock, silentLogger());
    const repository = new SqlTicketRepository(db);
    this.dispatch = buildDispatch(db, repository, { queue: this.notifications.queue, wake: DISPATCHER_RUN_BY_THE_TEST }, this.clock, silentLogger());
    this.tickets = new TicketService(repository, { clock: this.clock, ...this.dispatch.ticketOptions });
  }

  static async open(db: SqlDatabase, start: number): Promise<DispatchEstate> {
    const estate = new DispatchEstate(db, start);
    const registry = new RegistryRepository(db);
    await registry.upsertEstate({ id: estate.estateId, name: 'Dispatch Gardens' });
    await registry.upsertGateway({ id: estate.gatewayId, estateId: estate.estateId, name: 'Gateway' });
    const operator = await loadOperatorCaller(db);
    const estates = new EstateService(db, estate.clock);
    for (const building of ['b1', 'b2']) await estates.addBuilding(operator, estate.estateId, { id: building, name: `Building ${building}` });
    await estates.addUnit(operator, estate.estateId, { id: 'hh-b1', building_id: 'b1', label: '1-1203' });
    await estates.addUnit(operator, estate.estateId, { id: 'hh-b2', building_id: 'b2', label: '2-0501' });
    await estates.addAsset(operator, estate.estateId, { id: 'lift-1', kind: 'lift', name: '1号梯', building_id: 'b1' });
    return estate;
  }

  /** A staff member with a role in the estate (a housekeeper limited to buildings if given). */
  async person(name: string, role: Role, buildingIds: string[] | null = null): Promise<string> {
    const operator = await loadOperatorCaller(this.db);
    const member = await new StaffService(this.db, this.clock).addStaff(operator, {
      login: uniqueSlug(name),
      display_name: name,
      password: null,
      grants: [{ estate_id: this.estateId, role, building_ids: buildingIds }],
    });
    this.staff.set(name, member.id);
    return member.id;
  }

  /** A shift for a person already made; times in Asia/Shanghai. */
  async shift(name: string, role: DutyRole, startsAt: string, endsAt: string, weekdays = [1, 2, 3, 4, 5, 6, 7], buildingIds: string[] | null = null): Promise<void> {
    await this.dispatch.roster.add(this.estateId, { staff_id: this.id(name), role, building_ids: buildingIds, weekdays, starts_at: startsAt, ends_at: endsAt }, 'test', this.clock.now());
  }

  id(name: string): string {
    const id = this.staff.get(name);
    if (!id) throw new Error(`no staff member called ${name}`);
    return id;
  }

  /** The gateway raises an alert now; returns its ticket after dispatch has fired. */
  async raise(overrides: Parameters<typeof alertItem>[0] = {}): Promise<{ alert: AlertItem; ticket: Ticket }> {
    const alert = alertItem({ at: this.clock.now(), ...overrides });
    const { ticket } = await this.tickets.handleAlert({ gatewayId: this.gatewayId, estateId: this.estateId, receivedAt: this.clock.now() }, alert);
    await this.fireDue();
    return { alert, ticket: (await this.tickets.get(ticket.id))! };
  }

  async change(alert: AlertItem): Promise<Ticket> {
    const { ticket } = await this.tickets.handleAlert({ gatewayId: this.gatewayId, estateId: this.estateId, receivedAt: this.clock.now() }, alert);
    return ticket;
  }

  /** Fires every ticket timer due at the clock's now; how many fired. */
  fireDue(): Promise<number> {
    return this.dispatch.worker.runDue();
  }

  /** Moves the clock to `at` and fires what fell due. */
  async at(at: number): Promise<number> {
    this.clock.set(at);
    return this.fireDue();
  }

  async ticket(id: string): Promise<Ticket> {
    return (await this.tickets.get(id))!;
  }

  async auditActions(id: string): Promise<string[]> {
    return (await this.tickets.auditTrail(id)).map((entry) => entry.action);
  }

  async escalations(id: string): Promise<Array<{ chain: string; step: number; round: number; audience: string; recipients: string[]; deadline: string }>> {
    return (await this.tickets.auditTrail(id))
      .filter((entry) => entry.action === 'escalated')
      .map((entry) => entry.details as { chain: string; step: number; round: number; audience: string; recipients: string[]; deadline: string });
  }

  /** The ticket's notifications in the order they were queued. */
  async queued(ticketId: string): Promise<QueuedRow[]> {
    const { rows } = await this.db.query<{ purpose: string; chain: string | null; step: number; audience: string; recipient_staff_ids: string[]; status: string }>(
      'SELECT purpose, chain, step, audience, recipient_staff_ids, status FROM notifications WHERE ticket_id = $1 ORDER BY created_at, send_at, id',
      [ticketId],
    );
    return rows.map((row) => ({ purpose: row.purpose, chain: row.chain, step: row.step, audience: row.audience, recipients: row.recipient_staff_ids, status: row.status }));
  }
}

/** An instant written as Asia/Shanghai local time (UTC+8, no daylight saving). */
export function shanghai(isoLocal: string): number {
  return Date.parse(`${isoLocal}+08:00`);
}
