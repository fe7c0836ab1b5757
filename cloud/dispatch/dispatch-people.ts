import type { SqlExecutor } from '../db/sql-database.js';
import type { Role } from '../access/roles.js';
import { TICKET_TYPES_OF_ROLE } from '../access/permissions.js';
import type { EscalationAudience } from '../tickets/ticket-policy.js';
import type { Ticket } from '../tickets/ticket.js';
import { DUTY_ROLES, shiftCovers, shiftServes, type DutyRole } from './duty-roster.js';
import { DEFAULT_TIME_ZONE, localDateTime } from '../platform/local-calendar.js';
import type { RosterRepository } from './roster-repository.js';

/** Statuses in which a ticket is on someone's hands: counted as their load when choosing among the on-duty. */
const ACTIVE_STATUSES = ['assigned', 'acknowledged', 'on_site', 'on_hold'];

export interface Assignment {
  assigneeIds: string[];
  informedIds: string[];
  /** Roles nobody on duty could take, and who was given the ticket in their place. */
  fallbacks: Array<{ role: Role; to: string[]; via: 'supervisor_on_duty' | 'supervisor' | 'estate_manager' }>;
}

/**
 * Who a ticket goes to, read from the roster at the moment of dispatch in the estate's time zone:
 * for each role the category needs, the on-duty person of that role serving the ticket's building
 * with the fewest tickets in hand (then by id, so the choice is repeatable); everyone on duty in an
 * informed role. A role with nobody on duty falls back to the supervisor on duty, then to every
 * supervisor of the estate, then to its estate managers: a ticket is never left with nobody.
 */
export class DispatchPeople {
  constructor(private readonly roster: RosterRepository) {}

  async assignmentFor(tx: SqlExecutor, ticket: Ticket, assignTo: readonly Role[], inform: readonly Role[], at: number): Promise<Assignment> {
    const context = await this.context(tx, ticket);
    const assigneeIds: string[] = [];
    const fallbacks: Assignment['fallbacks'] = [];
    for (const role of assignTo) {
      const candidates = (await this.onDuty(tx, ticket.estateId, role, at, context)).filter((id) => !ticket.declinedIds.includes(id));
      const chosen = await leastLoaded(tx, candidates);
      if (chosen) {
        if (!assigneeIds.includes(chosen)) assigneeIds.push(chosen);
        continue;
      }
      const fallback = await this.fallback(tx, ticket, at, context);
      fallbacks.push({ role, ...fallback });
      for (const id of fallback.to) if (!assigneeIds.includes(id)) assigneeIds.push(id);
    }
    const informedIds: string[] = [];
    for (const role of inform) {
      for (const id of await this.onDuty(tx, ticket.estateId, role, at, context)) {
        if (!assigneeIds.includes(id) && !informedIds.includes(id)) informedIds.push(id);
      }
    }
    return { assigneeIds, informedIds, fallbacks };
  }

  /** Everyone on duty now in these roles for the ticket's building: who a grab pool (抢单) is offered to. */
  async everyoneOnDuty(tx: SqlExecutor, ticket: Ticket, roles: readonly Role[], at: number): Promise<string[]> {
    const context = await this.context(tx, ticket);
    const ids: string[] = [];
    for (const role of roles) for (const id of await this.onDuty(tx, ticket.estateId, role, at, context)) if (!ids.includes(id)) ids.push(id);
    return ids;
  }

  /** The people a step of an escalation chain tells. */
  async audience(tx: SqlExecutor, ticket: Ticket, audience: EscalationAudience, at: number): Promise<string[]> {
    const context = await this.context(tx, ticket);
    switch (audience) {
      case 'assignee':
        return ticket.assigneeIds.length ? ticket.assigneeIds : this.supervisors(tx, ticket, at, context);
      case 'supervisor':
        return this.supervisors(tx, ticket, at, context);
      case 'estate_manager':
        return holdersOf(tx, ticket.estateId, 'estate_manager');
      case 'emergency_contact': {
        // The contact is called by the supervisor and manager; no message ever goes to them from here.
        const people = [...(await this.supervisors(tx, ticket, at, context)), ...(await holdersOf(tx, ticket.estateId, 'estate_manager'))];
        return [...new Set(people)];
      }
    }
  }

  /** Supervisors on duty for the ticket's building, or else every supervisor of the estate. */
  async supervisors(tx: SqlExecutor, ticket: Ticket, at: number, context?: PlaceContext): Promise<string[]> {
    const onDuty = await this.onDuty(tx, ticket.estateId, 'supervisor', at, context ?? (await this.context(tx, ticket)));
    return onDuty.length ? onDuty : holdersOf(tx, ticket.estateId, 'supervisor');
  }

  private async fallback(tx: SqlExecutor, ticket: Ticket, at: number, context: PlaceContext): Promise<Omit<Assignment['fallbacks'][number], 'role'>> {
    const onDuty = await this.onDuty(tx, ticket.estateId, 'supervisor', at, context);
    if (onDuty.length) return { to: onDuty, via: 'supervisor_on_duty' };
    const supervisors = await holdersOf(tx, ticket.estateId, 'supervisor');
    if (supervisors.length) return { to: supervisors, via: 'supervisor' };
    return { to: await holdersOf(tx, ticket.estateId, 'estate_manager'), via: 'estate_manager' };
  }

  /** Staff on duty in the role now, for the ticket's building, in roster order. */
  private async onDuty(tx: SqlExecutor, estateId: string, role: Role, at: number, context: PlaceContext): Promise<string[]> {
    if (!(DUTY_ROLES as readonly Role[]).includes(role)) return [];
    const moment = localDateTime(at, context.timeZone);
    const shifts = await this.roster.shiftsOf(tx, estateId, role as DutyRole);
    const ids: string[] = [];
    for (const shift of shifts) {
      if (!shiftCovers(shift, moment) || !shiftServes(shift, context.buildingId)) continue;
      if (role === 'housekeeper' && !(await housekeeperServes(tx, shift.staffId, estateId, context.buildingId))) continue;
      if (!ids.includes(shift.staffId)) ids.push(shift.staffId);
    }
    return ids;
  }

  private async context(tx: SqlExecutor, ticket: Ticket): Promise<PlaceContext> {
    const { rows } = await tx.query<{ time_zone: string }>('SELECT time_zone FROM estates WHERE id = $1', [ticket.estateId]);
    return { timeZone: rows[0]?.time_zone ?? DEFAULT_TIME_ZONE, buildingId: await buildingOf(tx, ticket) };
  }
}

interface PlaceContext {
  timeZone: string;
  buildingId: string | null;
}

/** The building a ticket's subject is in: a unit's or an asset's, a device's through what it is mapped to; null for a gateway. */
export async function buildingOf(tx: SqlExecutor, ticket: Pick<Ticket, 'estateId' | 'subjectKind' | 'subjectId'>): Promise<string | null> {
  const queries: Record<Ticket['subjectKind'], string | null> = {
    unit: 'SELECT building_id FROM units WHERE estate_id = $1 AND id = $2',
    asset: 'SELECT building_id FROM assets WHERE estate_id = $1 AND id = $2',
    device: `SELECT COALESCE(u.building_id, a.building_id) AS building_id FROM devices d
             LEFT JOIN units u ON u.estate_id = d.estate_id AND u.id = d.unit_id
             LEFT JOIN assets a ON a.estate_id = d.estate_id AND a.id = d.asset_id
             WHERE d.estate_id = $1 AND d.id = $2`,
    gateway: null,
  };
  const sql = queries[ticket.subjectKind];
  if (!sql) return null;
  const { rows } = await tx.query<{ building_id: string | null }>(sql, [ticket.estateId, ticket.subjectId]);
  return rows[0]?.building_id ?? null;
}

/** A housekeeper's role may be limited to buildings (楼栋管家): they are only given tickets of those. */
async function housekeeperServes(tx: SqlExecutor, staffId: string, estateId: string, buildingId: string | null): Promise<boolean> {
  const { rows } = await tx.query<{ building_ids: string[] | null }>(
    `SELECT building_ids FROM staff_roles WHERE staff_id = $1 AND estate_id = $2 AND role = 'housekeeper'`,
    [staffId, estateId],
  );
  const limit = rows[0]?.building_ids ?? null;
  return limit === null || (buildingId !== null && limit.includes(buildingId));
}

/** Every active holder of the role in the estate, by id. */
export async function holdersOf(tx: SqlExecutor, estateId: string, role: Role): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT s.id FROM staff s JOIN staff_roles r ON r.staff_id = s.id
     WHERE r.estate_id = $1 AND r.role = $2 AND s.disabled_at IS NULL ORDER BY s.id`,
    [estateId, role],
  );
  return rows.map((row) => row.id);
}

async function leastLoaded(tx: SqlExecutor, candidates: readonly string[]): Promise<string | null> {
  if (candidates.length <= 1) return candidates[0] ?? null;
  const { rows } = await tx.query<{ staff_id: string; load: string | number }>(
    `SELECT c.staff_id, count(t.id) AS load
     FROM unnest($1::text[]) AS c (staff_id)
     LEFT JOIN tickets t ON c.staff_id = ANY(t.assignee_ids) AND t.status = ANY($2::text[])
     GROUP BY c.staff_id`,
    [[...candidates], ACTIVE_STATUSES],
  );
  const load = new Map(rows.map((row) => [row.staff_id, Number(row.load)]));
  return [...candidates].sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0) || a.localeCompare(b))[0]!;
}

/** Of staffIds, those holding no active role in the ticket's estate that handles its category (permissions.ts). */
export async function staffWhoCannotTake(db: SqlExecutor, ticket: Pick<Ticket, 'estateId' | 'type'>, staffIds: readonly string[]): Promise<string[]> {
  const roles = (Object.keys(TICKET_TYPES_OF_ROLE) as Role[]).filter((role) => TICKET_TYPES_OF_ROLE[role].includes(ticket.type));
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT s.id FROM staff s JOIN staff_roles r ON r.staff_id = s.id
     WHERE s.id = ANY($1::text[]) AND r.estate_id = $2 AND r.role = ANY($3::text[]) AND s.disabled_at IS NULL`,
    [[...staffIds], ticket.estateId, roles],
  );
  const able = new Set(rows.map((row) => row.id));
  return staffIds.filter((id) => !able.has(id));
}
