import { newId } from '../../shared/ids.js';
import type { Clock } from '../../shared/time/clock.js';
import { AuditRepository } from '../audit/audit-repository.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { AppError, invalidField } from '../platform/app-error.js';
import { parseInput } from '../platform/parse-input.js';
import { DEFAULT_ACCESS_POLICY, type AccessPolicy } from './access-policy.js';
import { requireEstate } from './access-scope.js';
import { actorLabel, type Caller } from './caller.js';
import { auditStaffChange, callerManagesGrant, requireManagedStaff, type StaffRef } from './managed-staff.js';
import { hashPassword } from './password-hash.js';
import { SessionRepository } from './session-repository.js';
import { SignInThrottleRepository } from './sign-in-throttle-repository.js';
import { FirstAdminSchema, MentionHandlesSchema, NewStaffSchema, PasswordSchema, type FirstAdmin, type GrantInput, type MentionHandles, type NewStaff } from './staff-schemas.js';
import { StaffRepository, type StaffMember, type StoredGrant } from './staff-repository.js';

/**
 * Staff accounts as administrators manage them: the first administrator of a fresh installation,
 * new staff with their roles, password resets, revoking every session, disabling an account.
 */
export class StaffService {
  private readonly staff = new StaffRepository();
  private readonly sessions = new SessionRepository();
  private readonly throttle = new SignInThrottleRepository();
  private readonly audit = new AuditRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
    private readonly policy: AccessPolicy = DEFAULT_ACCESS_POLICY,
  ) {}

  /**
   * The installation's first administrator (admin of every estate), from the terminal on a database
   * that has none; conflict once one exists (then administrators add staff).
   */
  async createFirstAdmin(caller: Caller, input: FirstAdmin): Promise<StaffMember> {
    if (caller.identity.kind !== 'operator') throw new AppError('forbidden', 'forbidden', 'the first administrator is created from the terminal: estatecare admin create-first-admin');
    const admin = parseInput(FirstAdminSchema, input, 'administrator');
    const passwordHash = await hashPassword(admin.password, this.policy.passwordParams);
    return this.db.transaction(async (tx) => {
      if (await this.staff.hasInstallationAdmin(tx)) {
        throw new AppError('conflict', 'administrator_exists', 'an administrator already exists: sign in as one and add staff, or reset their password');
      }
      return this.insert(tx, caller, { login: admin.login, displayName: admin.display_name, passwordHash }, [{ estateId: null, role: 'admin', buildingIds: null }]);
    });
  }

  /** A new account with its roles; the caller must administer every estate it gives a role in. */
  async addStaff(caller: Caller, input: NewStaff): Promise<StaffMember> {
    const staff = parseInput(NewStaffSchema, input, 'staff');
    staff.grants.forEach((grant, index) => this.checkGrantable(caller, grant, index));
    const passwordHash = staff.password === null ? null : await hashPassword(staff.password, this.policy.passwordParams);
    return this.db.transaction(async (tx) => {
      await this.checkBuildings(tx, staff.grants);
      return this.insert(tx, caller, { login: staff.login, displayName: staff.display_name, passwordHash, mobile: staff.mobile, feishuOpenId: staff.feishu_open_id }, staff.grants.map(storedGrant));
    });
  }

  /** Sets how chat robots mention the member (mobile, Feishu open_id); what is left out stays, null clears. */
  async setMentionHandles(caller: Caller, ref: StaffRef, input: MentionHandles): Promise<StaffMember> {
    const handles = parseInput(MentionHandlesSchema, input, 'staff');
    return this.db.transaction(async (tx) => {
      const member = await requireManagedStaff(this.staff, tx, caller, ref);
      await this.staff.setMentionHandles(tx, member.id, { mobile: handles.mobile, feishuOpenId: handles.feishu_open_id });
      await auditStaffChange(this.audit, tx, caller, this.clock.now(), member, 'mention_handles_set', { fields: Object.keys(handles) });
      return { ...member, mobile: handles.mobile === undefined ? member.mobile : handles.mobile, feishuOpenId: handles.feishu_open_id === undefined ? member.feishuOpenId : handles.feishu_open_id };
    });
  }

  /** Sets a new password, ends every session of the account and lifts a lockout. */
  async resetPassword(caller: Caller, ref: StaffRef, password: string): Promise<{ revokedSessions: number }> {
    const newPassword = parseInput(PasswordSchema, password, 'password');
    const passwordHash = await hashPassword(newPassword, this.policy.passwordParams);
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const member = await requireManagedStaff(this.staff, tx, caller, ref);
      if (newPassword.toLowerCase() === member.login) throw invalidField('password', 'the password must not be the login');
      await this.staff.setPasswordHash(tx, member.id, passwordHash, now);
      const revokedSessions = await this.sessions.revokeAllOf(tx, member.id, now, actorLabel(caller));
      await this.throttle.clear(tx, `login:${member.login}`);
      await auditStaffChange(this.audit, tx, caller, now, member, 'password_reset', { revoked_sessions: revokedSessions });
      return { revokedSessions };
    });
  }

  /** Ends every session of the account at once (a lost phone); API tokens stay (revoke those one by one). */
  async revokeSessions(caller: Caller, ref: StaffRef): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const member = await requireManagedStaff(this.staff, tx, caller, ref);
      const revoked = await this.sessions.revokeAllOf(tx, member.id, now, actorLabel(caller));
      await auditStaffChange(this.audit, tx, caller, now, member, 'sessions_revoked', { revoked_sessions: revoked });
      return revoked;
    });
  }

  /** Disables the account (someone who leaves): no sign-in, and its sessions and API tokens stop working at once. */
  async disable(caller: Caller, ref: StaffRef): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      const member = await requireManagedStaff(this.staff, tx, caller, ref);
      if ('staffId' in caller.identity && caller.identity.staffId === member.id) {
        throw new AppError('conflict', 'cannot_disable_self', 'you cannot disable your own account');
      }
      await this.staff.disable(tx, member.id, now);
      await this.sessions.revokeAllOf(tx, member.id, now, actorLabel(caller));
      await auditStaffChange(this.audit, tx, caller, now, member, 'staff_disabled');
    });
  }

  /** Members holding a role in an estate the caller administers. */
  async list(caller: Caller): Promise<StaffMember[]> {
    return this.db.transaction((tx) => this.staff.list(tx, caller));
  }

  private async insert(
    tx: SqlExecutor,
    caller: Caller,
    account: { login: string; displayName: string; passwordHash: string | null; mobile?: string | null; feishuOpenId?: string | null },
    grants: readonly StoredGrant[],
  ): Promise<StaffMember> {
    const now = this.clock.now();
    const id = newId();
    if (!(await this.staff.insert(tx, { id, ...account }, now, actorLabel(caller)))) {
      throw new AppError('conflict', 'login_taken', `the login ${account.login} is taken`, { fields: [{ path: 'login', message: 'taken' }] });
    }
    for (const grant of grants) await this.staff.addGrant(tx, id, grant, now, actorLabel(caller));
    const member: StaffMember = { id, login: account.login, displayName: account.displayName, mobile: account.mobile ?? null, feishuOpenId: account.feishuOpenId ?? null, hasPassword: account.passwordHash !== null, disabledAt: null, grants: [...grants] };
    await auditStaffChange(this.audit, tx, caller, now, member, 'staff_added', { roles: grants.map((g) => g.role) });
    return member;
  }

  /** not_found for an estate the caller holds nothing in, forbidden where they do not administer. */
  private checkGrantable(caller: Caller, grant: GrantInput, index: number): void {
    if (grant.estate_id !== null) requireEstate(caller, grant.estate_id);
    if (!callerManagesGrant(caller, storedGrant(grant))) {
      const where = grant.estate_id === null ? 'every estate' : `estate ${grant.estate_id}`;
      throw new AppError('forbidden', 'forbidden', `grants.${index}: only an administrator of ${where} gives roles there`);
    }
  }

  /** Every building a housekeeper is limited to must exist in that estate. */
  private async checkBuildings(tx: SqlExecutor, grants: readonly GrantInput[]): Promise<void> {
    for (const [index, grant] of grants.entries()) {
      if (grant.estate_id === null || grant.building_ids === null) continue;
      const { rows } = await tx.query<{ id: string }>('SELECT id FROM buildings WHERE estate_id = $1 AND id = ANY($2::text[])', [
        grant.estate_id,
        grant.building_ids,
      ]);
      const known = new Set(rows.map((row) => row.id));
      const missing = grant.building_ids.findIndex((building) => !known.has(building));
      if (missing >= 0) throw invalidField(`grants.${index}.building_ids.${missing}`, `no building ${grant.building_ids[missing]} in estate ${grant.estate_id}`);
    }
  }
}

function storedGrant(grant: GrantInput): StoredGrant {
  return { estateId: grant.estate_id, role: grant.role, buildingIds: grant.building_ids };
}
