import type { Role } from '../access/roles.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { DEFAULT_TIME_ZONE, localDateTime } from '../platform/local-calendar.js';
import { OPEN_TICKET_STATUSES } from '../tickets/ticket.js';
import { shiftCovers, type DutyShift } from './duty-roster.js';

/** One member of an estate's team as a supervisor sees them: no contact details, no credentials. */
export interface TeamMember {
  staffId: string;
  displayName: string;
  roles: Array<{ role: Role; buildingIds: string[] | null; onDutyNow: boolean }>;
  /** Tickets of the estate assigned to them and still being worked. */
  openTickets: number;
}

/**
 * The active staff holding a role in the estate (the installation's administrators, who hold no
 * estate role, are left out), each role marked on duty when a shift of the roster covers the
 * moment in the estate's time zone, and each member's count of open tickets: a supervisor's view
 * of who is working now and how loaded they are.
 */
export async function estateTeam(db: SqlExecutor, estateId: string, shifts: readonly DutyShift[], at: number): Promise<TeamMember[]> {
  const [members, zone, load] = await Promise.all([
    db.query<{ id: string; display_name: string; role: Role; building_ids: string[] | null }>(
      `SELECT s.id, s.display_name, r.role, r.building_ids FROM staff s JOIN staff_roles r ON r.staff_id = s.id
       WHERE r.estate_id = $1 AND s.disabled_at IS NULL ORDER BY s.display_name, s.id, r.role`,
      [estateId],
    ),
    db.query<{ time_zone: string }>('SELECT time_zone FROM estates WHERE id = $1', [estateId]),
    db.query<{ staff_id: string; open: string }>(
      `SELECT assignee AS staff_id, count(*) AS open FROM tickets, unnest(assignee_ids) AS assignee
       WHERE estate_id = $1 AND status = ANY($2::text[]) GROUP BY assignee`,
      [estateId, OPEN_TICKET_STATUSES],
    ),
  ]);
  const moment = localDateTime(at, zone.rows[0]?.time_zone ?? DEFAULT_TIME_ZONE);
  const onDuty = new Set(shifts.filter((shift) => shiftCovers(shift, moment)).map((shift) => `${shift.staffId}\u0000${shift.role}`));
  const openOf = new Map(load.rows.map((row) => [row.staff_id, Number(row.open)]));
  const team = new Map<string, TeamMember>();
  for (const row of members.rows) {
    const member = team.get(row.id) ?? { staffId: row.id, displayName: row.display_name, roles: [], openTickets: openOf.get(row.id) ?? 0 };
    member.roles.push({ role: row.role, buildingIds: row.building_ids, onDutyNow: onDuty.has(`${row.id}\u0000${row.role}`) });
    team.set(row.id, member);
  }
  return [...team.values()];
}
