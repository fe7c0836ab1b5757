import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import { ApiTokenService } from '../../cloud/access/api-token-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import type { Role } from '../../cloud/access/roles.js';
import { systemClock, type Clock } from '../../shared/time/clock.js';
import { uniqueSlug } from './wire-fixtures.js';

export interface TestGrant {
  /** null: admin of every estate. */
  estateId: string | null;
  role: Role;
  buildingIds?: string[];
}

/**
 * A staff account with these roles, created as `estatecare admin add-staff` would on the cloud's
 * database (no password: it signs in with the API token returned), and an API token for it.
 */
export async function staffToken(db: SqlDatabase, grants: readonly TestGrant[], clock: Clock = systemClock): Promise<string> {
  const operator = await loadOperatorCaller(db);
  const member = await new StaffService(db, clock).addStaff(operator, {
    login: uniqueSlug('staff'),
    display_name: 'Test staff',
    password: null,
    grants: grants.map((grant) => ({ estate_id: grant.estateId, role: grant.role, building_ids: grant.buildingIds ?? null })),
  });
  const { token } = await new ApiTokenService(db, clock).issue(operator, { id: member.id }, { name: 'test client' });
  return token;
}

/** A supervisor of the estate: sees and acts on every ticket type there. */
export function supervisorToken(db: SqlDatabase, estateId: string, clock?: Clock): Promise<string> {
  return staffToken(db, [{ estateId, role: 'supervisor' }], clock);
}

/** An administrator of the estate: gateways and their rules config. */
export function adminToken(db: SqlDatabase, estateId: string, clock?: Clock): Promise<string> {
  return staffToken(db, [{ estateId, role: 'admin' }], clock);
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });
