import type { GrantInput } from '../../../../cloud/access/staff-schemas.js';
import { ROLES, type Role } from '../../../../cloud/access/roles.js';
import { UsageError } from '../../cli-error.js';

export const ROLE_OPTION_HELP = 'ROLE@ESTATE, ROLE@ESTATE:BUILDING,BUILDING (a housekeeper of some buildings) or admin@* (every estate)';

/**
 * One --role value as a grant: "supervisor@sunrise-gardens", "housekeeper@sunrise-gardens:b1,b2",
 * "admin@*". Ids are checked by the service, which names the field at fault.
 */
export function parseRoleOption(value: string): GrantInput {
  const match = /^([a-z_]+)@([^:]+)(?::(.+))?$/.exec(value);
  if (!match) throw new UsageError(`--role "${value}": expected ${ROLE_OPTION_HELP}`);
  const [, role, estate, buildings] = match as unknown as [string, string, string, string | undefined];
  if (!ROLES.includes(role as Role)) throw new UsageError(`--role "${value}": unknown role "${role}" (roles: ${ROLES.join(', ')})`);
  return {
    role: role as Role,
    estate_id: estate === '*' ? null : estate,
    building_ids: buildings === undefined ? null : buildings.split(','),
  };
}
