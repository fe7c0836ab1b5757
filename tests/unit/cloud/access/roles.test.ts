import { describe, expect, it } from 'vitest';
import { callerMay, scopeCondition } from '../../../../cloud/access/access-scope.js';
import type { Caller } from '../../../../cloud/access/caller.js';
import { PERMISSIONS, roleMay, TICKET_TYPES_OF_ROLE } from '../../../../cloud/access/permissions.js';
import { ROLES } from '../../../../cloud/access/roles.js';
import { SqlParams } from '../../../../cloud/db/sql-params.js';
import { AlertCategorySchema } from '../../../../shared/contract/index.js';

const housekeeper: Caller = {
  identity: { kind: 'staff', staffId: 's1', login: 'hk', sessionId: 'x' },
  grants: [
    { estateId: 'a', role: 'housekeeper', buildingIds: ['b1', 'b2'] },
    { estateId: 'c', role: 'housekeeper', buildingIds: null },
  ],
  allEstates: false,
};

describe('roles and permissions', () => {
  it('residents\' care records go to care roles only, never to admin, facilities or lift contractors', () => {
    const careReaders = ROLES.filter((role) => roleMay(role, 'household.read'));
    expect(careReaders).toEqual(['housekeeper', 'supervisor', 'estate_manager']);
    expect(ROLES.filter((role) => roleMay(role, 'household.enrol'))).toEqual(['supervisor', 'estate_manager']);
    expect(ROLES.filter((role) => roleMay(role, 'staff.manage'))).toEqual(['admin']);
    expect(ROLES.filter((role) => roleMay(role, 'kpi.read'))).toEqual(['supervisor', 'estate_manager']);
    for (const role of ROLES) expect(roleMay(role, 'estate.read')).toBe(true);
    expect(PERMISSIONS.filter((p) => !ROLES.some((role) => roleMay(role, p)))).toEqual([]);
  });

  it('every ticket type reaches a front-line role and the supervisors', () => {
    for (const type of AlertCategorySchema.options) {
      expect(ROLES.filter((role) => TICKET_TYPES_OF_ROLE[role].includes(type) && role !== 'supervisor' && role !== 'estate_manager').length).toBeGreaterThan(0);
      expect(TICKET_TYPES_OF_ROLE.supervisor).toContain(type);
    }
  });

  it('a building-limited grant covers its buildings and the estate\'s own rows, in SQL and in memory alike', () => {
    const params = new SqlParams();
    expect(scopeCondition(housekeeper, 'household.read', params, { estate: 'u.estate_id', building: 'u.building_id' })).toBe(
      '(u.estate_id = ANY($1::text[]) OR (u.estate_id = $2 AND u.building_id = ANY($3::text[])))',
    );
    expect(params.values).toEqual([['c'], 'a', ['b1', 'b2']]);
    expect(scopeCondition(housekeeper, 'audit.read', new SqlParams(), { estate: 'estate_id' })).toBe('FALSE');
    expect(callerMay(housekeeper, 'household.read', { estateId: 'a', buildingId: 'b2' })).toBe(true);
    expect(callerMay(housekeeper, 'household.read', { estateId: 'a', buildingId: 'b3' })).toBe(false);
    expect(callerMay(housekeeper, 'household.read', { estateId: 'a', buildingId: null })).toBe(false);
    expect(callerMay(housekeeper, 'household.read', { estateId: 'a' })).toBe(true);
    expect(callerMay(housekeeper, 'household.enrol', { estateId: 'c' })).toBe(false);
    expect(callerMay(housekeeper, 'household.read', { estateId: 'b' })).toBe(false);
  });
});
