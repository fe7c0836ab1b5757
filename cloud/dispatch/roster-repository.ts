import { newId } from '../../shared/ids.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { timestampParam } from '../db/sql-values.js';
import { invalidField, notFound } from '../platform/app-error.js';
import type { DutyRole, DutyShift, DutyShiftInput } from './duty-roster.js';

interface ShiftRow {
  id: string;
  estate_id: string;
  staff_id: string;
  role: DutyRole;
  building_ids: string[] | null;
  weekdays: number[];
  starts_at: string;
  ends_at: string;
}

function toShift(row: ShiftRow): DutyShift {
  return {
    id: row.id,
    estateId: row.estate_id,
    staffId: row.staff_id,
    role: row.role,
    buildingIds: row.building_ids,
    weekdays: row.weekdays.map(Number),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  };
}

/** The duty roster of each estate: who stands duty in which role, for which buildings, when. */
export class RosterRepository {
  constructor(private readonly db: SqlDatabase) {}

  async list(estateId: string): Promise<DutyShift[]> {
    const { rows } = await this.db.query<ShiftRow>('SELECT * FROM duty_shifts WHERE estate_id = $1 ORDER BY role, starts_at, staff_id, id', [estateId]);
    return rows.map(toShift);
  }

  /** Shifts of a role whose staff member still holds the role in the estate and is not disabled. */
  async shiftsOf(tx: SqlExecutor, estateId: string, role: DutyRole): Promise<DutyShift[]> {
    const { rows } = await tx.query<ShiftRow>(
      `SELECT d.* FROM duty_shifts d
       JOIN staff s ON s.id = d.staff_id AND s.disabled_at IS NULL
       JOIN staff_roles r ON r.staff_id = d.staff_id AND r.estate_id = d.estate_id AND r.role = d.role
       WHERE d.estate_id = $1 AND d.role = $2
       ORDER BY d.staff_id, d.id`,
      [estateId, role],
    );
    return rows.map(toShift);
  }

  /** Adds a shift; the staff member must hold the role in the estate (400 naming staff_id otherwise). */
  async add(estateId: string, input: DutyShiftInput, by: string, at: number): Promise<DutyShift> {
    const holds = await this.db.query(
      `SELECT 1 FROM staff_roles r JOIN staff s ON s.id = r.staff_id WHERE r.staff_id = $1 AND r.estate_id = $2 AND r.role = $3 AND s.disabled_at IS NULL`,
      [input.staff_id, estateId, input.role],
    );
    if (holds.rows.length === 0) throw invalidField('staff_id', `no active staff member holds the role ${input.role} in estate ${estateId}`);
    if (input.building_ids) {
      const known = await this.db.query<{ id: string }>('SELECT id FROM buildings WHERE estate_id = $1 AND id = ANY($2::text[])', [estateId, input.building_ids]);
      const missing = input.building_ids.filter((id) => !known.rows.some((row) => row.id === id));
      if (missing.length) throw invalidField('building_ids', `no building ${missing.join(', ')} in estate ${estateId}`);
    }
    const { rows } = await this.db.query<ShiftRow>(
      `INSERT INTO duty_shifts (id, estate_id, staff_id, role, building_ids, weekdays, starts_at, ends_at, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5::text[], $6::integer[], $7, $8, $9::timestamptz, $10) RETURNING *`,
      [newId(), estateId, input.staff_id, input.role, input.building_ids, input.weekdays, input.starts_at, input.ends_at, timestampParam(at), by],
    );
    return toShift(rows[0]!);
  }

  async remove(estateId: string, shiftId: string): Promise<void> {
    const { rowCount } = await this.db.query('DELETE FROM duty_shifts WHERE estate_id = $1 AND id = $2', [estateId, shiftId]);
    if (rowCount === 0) throw notFound('duty shift', shiftId);
  }
}
