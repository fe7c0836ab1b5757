import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { epochMsOrNull, timestampParam } from '../db/sql-values.js';
import type { Caller, Grant } from './caller.js';
import { roleMay } from './permissions.js';
import type { Role } from './roles.js';

/** A grant as stored: estateId null is admin of every estate. */
export interface StoredGrant {
  estateId: string | null;
  role: Role;
  buildingIds: readonly string[] | null;
}

export interface StaffMember {
  id: string;
  login: string;
  displayName: string;
  /** How chat robots mention them (WeCom, DingTalk: mobile; Feishu: open_id). */
  mobile: string | null;
  feishuOpenId: string | null;
  /** False for an account without a password (it signs in only with API tokens). */
  hasPassword: boolean;
  disabledAt: number | null;
  grants: StoredGrant[];
}

/** What sign-in needs about a login, before anyone is signed in. */
export interface StaffCredentials {
  id: string;
  login: string;
  passwordHash: string | null;
  disabled: boolean;
}

interface StaffRow {
  id: string;
  login: string;
  display_name: string;
  mobile: string | null;
  feishu_open_id: string | null;
  has_password: boolean;
  disabled_at: Date | null;
}

interface GrantRow {
  staff_id: string;
  estate_id: string | null;
  role: Role;
  building_ids: string[] | null;
}

/**
 * Staff accounts and their roles. Reads for sign-in (by login) and for loading a caller take no
 * caller: they are how a caller comes to be. Everything a caller asks for is scoped by
 * manageableBy(): staff holding a role in an estate the caller manages.
 */
export class StaffRepository {
  async insert(
    tx: SqlExecutor,
    staff: { id: string; login: string; displayName: string; passwordHash: string | null; mobile?: string | null; feishuOpenId?: string | null },
    at: number,
    by: string,
  ): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO staff (id, login, display_name, password_hash, created_at, created_by, password_changed_at, mobile, feishu_open_id)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $4::text IS NULL THEN NULL ELSE $5::timestamptz END, $7, $8)
       ON CONFLICT (login) DO NOTHING`,
      [staff.id, staff.login, staff.displayName, staff.passwordHash, timestampParam(at), by, staff.mobile ?? null, staff.feishuOpenId ?? null],
    );
    return rowCount === 1;
  }

  /** Sets the handles given (undefined: left as it is; null: cleared). */
  async setMentionHandles(tx: SqlExecutor, staffId: string, handles: { mobile?: string | null; feishuOpenId?: string | null }): Promise<void> {
    await tx.query(
      `UPDATE staff SET mobile = CASE WHEN $2 THEN $3 ELSE mobile END, feishu_open_id = CASE WHEN $4 THEN $5 ELSE feishu_open_id END WHERE id = $1`,
      [staffId, handles.mobile !== undefined, handles.mobile ?? null, handles.feishuOpenId !== undefined, handles.feishuOpenId ?? null],
    );
  }

  async addGrant(tx: SqlExecutor, staffId: string, grant: StoredGrant, at: number, by: string): Promise<void> {
    await tx.query(
      `INSERT INTO staff_roles (staff_id, estate_id, role, building_ids, granted_at, granted_by)
       VALUES ($1, $2, $3, $4::text[], $5, $6)
       ON CONFLICT (staff_id, COALESCE(estate_id, ''), role) DO UPDATE SET
         building_ids = EXCLUDED.building_ids, granted_at = EXCLUDED.granted_at, granted_by = EXCLUDED.granted_by`,
      [staffId, grant.estateId, grant.role, grant.buildingIds, timestampParam(at), by],
    );
  }

  async credentialsByLogin(tx: SqlExecutor, login: string): Promise<StaffCredentials | null> {
    const { rows } = await tx.query<{ id: string; login: string; password_hash: string | null; disabled_at: Date | null }>(
      'SELECT id, login, password_hash, disabled_at FROM staff WHERE login = $1',
      [login],
    );
    const row = rows[0];
    return row ? { id: row.id, login: row.login, passwordHash: row.password_hash, disabled: row.disabled_at !== null } : null;
  }

  async setPasswordHash(tx: SqlExecutor, staffId: string, passwordHash: string, at: number): Promise<void> {
    await tx.query('UPDATE staff SET password_hash = $2, password_changed_at = $3 WHERE id = $1', [staffId, passwordHash, timestampParam(at)]);
  }

  /** Replaces the hash only if it is still the one verified, so a reset that raced the sign-in wins. */
  async upgradePasswordHash(tx: SqlExecutor, staffId: string, verifiedHash: string, upgradedHash: string): Promise<void> {
    await tx.query('UPDATE staff SET password_hash = $3 WHERE id = $1 AND password_hash = $2', [staffId, verifiedHash, upgradedHash]);
  }

  async disable(tx: SqlExecutor, staffId: string, at: number): Promise<void> {
    await tx.query('UPDATE staff SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL', [staffId, timestampParam(at)]);
  }

  /** Grants as stored, an "every estate" admin grant expanded to every estate there is. */
  async grantsForCaller(tx: SqlExecutor, staffId: string): Promise<{ grants: Grant[]; allEstates: boolean }> {
    const stored = await this.grantsOf(tx, [staffId]);
    const allEstates = stored.some((grant) => grant.estateId === null);
    const everyEstate = allEstates ? (await tx.query<{ id: string }>('SELECT id FROM estates ORDER BY id')).rows.map((r) => r.id) : [];
    const grants: Grant[] = [];
    for (const grant of stored) {
      if (grant.estateId !== null) grants.push({ estateId: grant.estateId, role: grant.role, buildingIds: grant.buildingIds });
      else for (const estateId of everyEstate) grants.push({ estateId, role: 'admin', buildingIds: null });
    }
    return { grants, allEstates };
  }

  /** True once any account holds admin of every estate: there is a first administrator. */
  async hasInstallationAdmin(tx: SqlExecutor): Promise<boolean> {
    const { rows } = await tx.query(`SELECT 1 FROM staff_roles WHERE estate_id IS NULL AND role = 'admin' LIMIT 1`);
    return rows.length > 0;
  }

  /** The member, if the caller may manage them (see manageableBy); by id or by login. */
  async find(tx: SqlExecutor, caller: Caller, by: { id: string } | { login: string }): Promise<StaffMember | null> {
    const params = new SqlParams();
    // Logins are stored in lower case (LoginSchema).
    const key = 'id' in by ? `s.id = ${params.add(by.id)}` : `s.login = ${params.add(by.login.trim().toLowerCase())}`;
    const members = await this.select(tx, `${key} AND ${manageableBy(caller, params, 's.id')}`, params);
    return members[0] ?? null;
  }

  /** Every member the caller may manage, by login. */
  list(tx: SqlExecutor, caller: Caller): Promise<StaffMember[]> {
    const params = new SqlParams();
    return this.select(tx, manageableBy(caller, params, 's.id'), params);
  }

  private async select(tx: SqlExecutor, where: string, params: SqlParams): Promise<StaffMember[]> {
    const { rows } = await tx.query<StaffRow>(
      `SELECT s.id, s.login, s.display_name, s.mobile, s.feishu_open_id, s.password_hash IS NOT NULL AS has_password, s.disabled_at
       FROM staff s WHERE ${where} ORDER BY s.login`,
      params.values,
    );
    const grants = await this.grantsOf(tx, rows.map((row) => row.id));
    return rows.map((row) => ({
      id: row.id,
      login: row.login,
      displayName: row.display_name,
      mobile: row.mobile,
      feishuOpenId: row.feishu_open_id,
      hasPassword: row.has_password,
      disabledAt: epochMsOrNull(row.disabled_at),
      grants: grants.filter((grant) => grant.staffId === row.id).map(({ staffId: _, ...grant }) => grant),
    }));
  }

  private async grantsOf(tx: SqlExecutor, staffIds: readonly string[]): Promise<Array<StoredGrant & { staffId: string }>> {
    if (staffIds.length === 0) return [];
    const { rows } = await tx.query<GrantRow>(
      `SELECT staff_id, estate_id, role, building_ids FROM staff_roles WHERE staff_id = ANY($1::text[])
       ORDER BY staff_id, estate_id NULLS FIRST, role`,
      [staffIds],
    );
    return rows.map((row) => ({ staffId: row.staff_id, estateId: row.estate_id, role: row.role, buildingIds: row.building_ids }));
  }
}

/**
 * SQL condition on a staff id column: the member holds some role in an estate where the caller has
 * staff.manage. The installation's administrator manages everyone, including
 * members who hold no role yet.
 */
export function manageableBy(caller: Caller, params: SqlParams, staffIdColumn: string): string {
  if (caller.allEstates) return 'TRUE';
  const managed = caller.grants.filter((grant) => roleMay(grant.role, 'staff.manage')).map((grant) => grant.estateId);
  if (managed.length === 0) return 'FALSE';
  return `EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = ${staffIdColumn} AND r.estate_id = ANY(${params.add(managed)}::text[]))`;
}
