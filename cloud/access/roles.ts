import { z } from 'zod';

/**
 * Staff roles. A role is held in one estate (an estate may be given to a staff member several times,
 * once per role); a housekeeper's role may be limited to some of the estate's buildings; an admin
 * role may be held for every estate at once (the installation's administrator).
 */
export const ROLES = ['housekeeper', 'facilities', 'lift_contractor', 'supervisor', 'estate_manager', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Only a housekeeper's role may be limited to buildings: the housekeeper of a building (楼栋管家). */
export const BUILDING_LIMITED_ROLES: ReadonlySet<Role> = new Set(['housekeeper']);
