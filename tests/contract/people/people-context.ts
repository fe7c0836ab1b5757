import { DEFAULT_ACCESS_POLICY, type AccessPolicy } from '../../../cloud/access/access-policy.js';
import { ApiTokenService } from '../../../cloud/access/api-token-service.js';
import type { Caller } from '../../../cloud/access/caller.js';
import { loadOperatorCaller } from '../../../cloud/access/operator-caller.js';
import { SignInService } from '../../../cloud/access/sign-in-service.js';
import type { GrantInput } from '../../../cloud/access/staff-schemas.js';
import { StaffService } from '../../../cloud/access/staff-service.js';
import { AuditService } from '../../../cloud/audit/audit-service.js';
import type { ReadContext } from '../../../cloud/audit/audit-entry.js';
import type { SqlDatabase } from '../../../cloud/db/sql-database.js';
import { EstateService } from '../../../cloud/estates/estate-service.js';
import { HouseholdService } from '../../../cloud/estates/household-service.js';
import { ManualClock } from '../../../shared/time/clock.js';
import { BASE_TIME, uniqueSlug } from '../../support/wire-fixtures.js';

/**
 * scrypt at 2^14 (16 MiB, tens of ms) for the suite's many sign-ins; the tests of stored hash
 * parameters use the default policy (2^17).
 */
export const TEST_POLICY: AccessPolicy = { ...DEFAULT_ACCESS_POLICY, passwordParams: { N: 2 ** 14, r: 8, p: 1 } };

export const TEST_PASSWORD = 'correct horse battery';
export const CARE_READ: ReadContext = { purpose: 'care_visit', route: 'GET /api/v1/estates/:estate/households/:unit' };

/** An estate as newEstate() builds it: buildings b1 and b2, unit hh-101 in b1 and hh-201 in b2, a lift, one gateway with a meter per unit. */
export interface EstateFixture {
  estateId: string;
  gatewayId: string;
  units: { b1: string; b2: string };
}

export interface SignedInMember {
  login: string;
  caller: Caller;
  token: string;
}

export interface PeopleContext {
  db: SqlDatabase;
  clock: ManualClock;
  signIn: SignInService;
  staff: StaffService;
  tokens: ApiTokenService;
  estates: EstateService;
  households: HouseholdService;
  audit: AuditService;
  operator(): Promise<Caller>;
  newEstate(): Promise<EstateFixture>;
  /** A new staff member with these grants, signed in. */
  member(grants: GrantInput[]): Promise<SignedInMember>;
}

/** Builds the services over db on a clock at BASE_TIME; call again for a fresh clock. */
export function peopleContext(db: SqlDatabase, policy: AccessPolicy = TEST_POLICY): PeopleContext {
  const clock = new ManualClock(BASE_TIME);
  const ctx: PeopleContext = {
    db,
    clock,
    signIn: new SignInService(db, clock, policy),
    staff: new StaffService(db, clock, policy),
    tokens: new ApiTokenService(db, clock, policy),
    estates: new EstateService(db, clock),
    households: new HouseholdService(db, clock),
    audit: new AuditService(db),
    operator: () => loadOperatorCaller(db),
    async newEstate() {
      const estateId = uniqueSlug('estate');
      await ctx.estates.createEstate(await ctx.operator(), { id: estateId, name: `碧水湾 ${estateId}` });
      const admin = await ctx.operator();
      for (const building of ['b1', 'b2']) await ctx.estates.addBuilding(admin, estateId, { id: building, name: `Building ${building}` });
      await ctx.estates.addUnit(admin, estateId, { id: 'hh-101', building_id: 'b1', label: '1-101' });
      await ctx.estates.addUnit(admin, estateId, { id: 'hh-201', building_id: 'b2', label: '2-201' });
      await ctx.estates.addAsset(admin, estateId, { id: 'lift-1', kind: 'lift', name: 'Lift 1', building_id: 'b1' });
      const gatewayId = uniqueSlug('gw');
      await ctx.estates.registerGateway(admin, estateId, { id: gatewayId, name: 'Gateway' });
      await ctx.estates.mapDevice(admin, estateId, { id: 'meter-101', gateway_id: gatewayId, profile: 'dlt645_single_phase_meter', unit_id: 'hh-101' });
      await ctx.estates.mapDevice(admin, estateId, { id: 'meter-201', gateway_id: gatewayId, profile: 'dlt645_single_phase_meter', unit_id: 'hh-201' });
      return { estateId, gatewayId, units: { b1: 'hh-101', b2: 'hh-201' } };
    },
    async member(grants) {
      const login = uniqueSlug('staff');
      await ctx.staff.addStaff(await ctx.operator(), { login, display_name: `员工 ${login}`, password: TEST_PASSWORD, grants });
      const signedIn = await ctx.signIn.signIn({ login, password: TEST_PASSWORD, address: '192.0.2.10' });
      return { login, caller: signedIn.caller, token: signedIn.token };
    },
  };
  return ctx;
}

/** The grant of one role in one estate. */
export function role(estateId: string, name: GrantInput['role'], buildingIds: string[] | null = null): GrantInput {
  return { estate_id: estateId, role: name, building_ids: buildingIds };
}
