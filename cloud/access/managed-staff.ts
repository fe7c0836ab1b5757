import type { SqlExecutor } from '../db/sql-database.js';
import { AppError, notFound } from '../platform/app-error.js';
import type { AuditRepository } from '../audit/audit-repository.js';
import { callerMay } from './access-scope.js';
import type { Caller } from './caller.js';
import type { StaffMember, StaffRepository, StoredGrant } from './staff-repository.js';

/** A staff member named by id or by login. */
export type StaffRef = { id: string } | { login: string };

function describe(ref: StaffRef): string {
  return 'id' in ref ? ref.id : ref.login;
}

/** May the caller give or change this grant: admin of its estate, or of every estate for an every-estate grant. */
export function callerManagesGrant(caller: Caller, grant: StoredGrant): boolean {
  return grant.estateId === null ? caller.allEstates : callerMay(caller, 'staff.manage', { estateId: grant.estateId });
}

/**
 * The member, for a change that touches their whole account (password, sessions, tokens): not_found
 * unless the caller manages one of their estates, forbidden unless the caller manages all of them
 * (an admin of estate A does not reset the password a supervisor also uses in estate B). The refusal
 * names no estate: to someone without a role there, another estate reads as one that does not exist.
 */
export async function requireManagedStaff(staff: StaffRepository, tx: SqlExecutor, caller: Caller, ref: StaffRef): Promise<StaffMember> {
  const member = await staff.find(tx, caller, ref);
  if (!member) throw notFound('staff member', describe(ref));
  if (!managesWholly(caller, member)) {
    throw new AppError('forbidden', 'forbidden', `${member.login} also holds roles in estates you do not administer; an administrator of all of them acts on this account`);
  }
  return member;
}

/** True when the caller administers every estate the member holds a role in, so may act on the whole account. */
export function managesWholly(caller: Caller, member: Pick<StaffMember, 'grants'>): boolean {
  return member.grants.every((grant) => callerManagesGrant(caller, grant));
}

/** One audit entry per estate the member holds a role in (an every-estate grant: one installation-wide entry). */
export async function auditStaffChange(
  audit: AuditRepository,
  tx: SqlExecutor,
  caller: Caller,
  at: number,
  member: Pick<StaffMember, 'id' | 'grants'>,
  action: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  const estates = new Set(member.grants.map((grant) => grant.estateId));
  for (const estateId of estates) await audit.recordChange(tx, caller, at, { estateId, action, subjectId: member.id, details });
}
