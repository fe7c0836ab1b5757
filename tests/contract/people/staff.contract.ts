import { beforeEach, describe, expect, it } from 'vitest';
import { uniqueSlug } from '../../support/wire-fixtures.js';
import { expectAppError } from './expect-app-error.js';
import { peopleContext, role, TEST_PASSWORD, type PeopleContext } from './people-context.js';
import type { PeopleSuite } from './people-suite.js';

/** Opening a fresh PGlite compiles PostgreSQL's WebAssembly again: tens of seconds on a loaded machine. */
const FRESH_DATABASE_MS = 120_000;

/** Staff accounts as administrators manage them, scoped to the estates they administer. */
export function describeStaff(suite: PeopleSuite): void {
  describe('staff management', () => {
    let ctx: PeopleContext;
    let estateA: string;
    let estateB: string;
    beforeEach(async () => {
      ctx = peopleContext(suite.db());
      estateA = (await ctx.newEstate()).estateId;
      estateB = (await ctx.newEstate()).estateId;
    });

    it('the first administrator: from the terminal only, and only once', async () => {
      const fresh = await suite.freshDatabase();
      try {
        const own = peopleContext(fresh.db);
        const operator = await own.operator();
        const admin = await own.staff.createFirstAdmin(operator, { login: 'Root.Admin', display_name: '管理员', password: TEST_PASSWORD });
        expect(admin).toMatchObject({ login: 'root.admin', hasPassword: true, grants: [{ estateId: null, role: 'admin', buildingIds: null }] });
        await expectAppError(own.staff.createFirstAdmin(operator, { login: 'second', display_name: 'x', password: TEST_PASSWORD }), 'conflict', 'administrator_exists');
        const signedIn = await own.signIn.signIn({ login: 'root.admin', password: TEST_PASSWORD, address: 'terminal' });
        expect(signedIn.caller.allEstates).toBe(true);
        await expectAppError(own.staff.createFirstAdmin(signedIn.caller, { login: 'third', display_name: 'x', password: TEST_PASSWORD }), 'forbidden');
        // An estate created later is the installation administrator's at their next request.
        await own.estates.createEstate(signedIn.caller, { id: 'later', name: 'Later' });
        const again = await own.signIn.authenticate(signedIn.token);
        expect(again.grants).toEqual([{ estateId: 'later', role: 'admin', buildingIds: null }]);
      } finally {
        await fresh.cleanup();
      }
    }, FRESH_DATABASE_MS);

    it('an admin adds staff only in estates they administer', async () => {
      const adminA = await ctx.member([role(estateA, 'admin')]);
      const supervisorA = await ctx.member([role(estateA, 'supervisor')]);
      const staff = (login: string, grants = [role(estateA, 'housekeeper', ['b1'])]) => ({ login, display_name: '管家', password: TEST_PASSWORD, grants });
      const added = await ctx.staff.addStaff(adminA.caller, staff(uniqueSlug('hk')));
      expect(added.grants).toEqual([{ estateId: estateA, role: 'housekeeper', buildingIds: ['b1'] }]);
      await expectAppError(ctx.staff.addStaff(adminA.caller, staff(uniqueSlug('hk'), [role(estateB, 'housekeeper')])), 'not_found', 'estate_not_found');
      await expectAppError(ctx.staff.addStaff(supervisorA.caller, staff(uniqueSlug('hk'))), 'forbidden');
      await expectAppError(ctx.staff.addStaff(adminA.caller, staff(uniqueSlug('hk'), [{ estate_id: null, role: 'admin', building_ids: null }])), 'forbidden');
      await expectAppError(ctx.staff.addStaff(adminA.caller, staff(added.login)), 'conflict', 'login_taken');
    });

    it('names every field at fault in a new account', async () => {
      const error = await expectAppError(
        ctx.staff.addStaff(await ctx.operator(), {
          login: 'a',
          display_name: 'x',
          password: 'short',
          grants: [{ estate_id: estateA, role: 'janitor' as never, building_ids: null }, role(estateA, 'supervisor', ['b1'])],
        }),
        'invalid',
      );
      expect(error.fields.map((f) => f.path)).toEqual(['login', 'password', 'grants.0.role', 'grants.1.building_ids']);
      const building = await expectAppError(
        ctx.staff.addStaff(await ctx.operator(), { login: uniqueSlug('hk'), display_name: 'x', password: TEST_PASSWORD, grants: [role(estateA, 'housekeeper', ['b1', 'b9'])] }),
        'invalid',
      );
      expect(building.fields).toEqual([{ path: 'grants.0.building_ids.1', message: `no building b9 in estate ${estateA}` }]);
    });

    it('lists only staff of estates the caller administers; acts only on staff wholly theirs', async () => {
      const adminA = await ctx.member([role(estateA, 'admin')]);
      const onlyA = await ctx.member([role(estateA, 'housekeeper')]);
      const onlyB = await ctx.member([role(estateB, 'housekeeper')]);
      const both = await ctx.member([role(estateA, 'supervisor'), role(estateB, 'supervisor')]);
      const listed = (await ctx.staff.list(adminA.caller)).map((m) => m.login);
      expect(listed).toEqual(expect.arrayContaining([adminA.login, onlyA.login, both.login]));
      expect(listed).not.toContain(onlyB.login);
      expect(await ctx.staff.revokeSessions(adminA.caller, { login: onlyA.login.toUpperCase() })).toBe(1);
      await expectAppError(ctx.staff.revokeSessions(adminA.caller, { login: onlyB.login }), 'not_found', 'staff_member_not_found');
      const refused = await expectAppError(ctx.staff.resetPassword(adminA.caller, { login: both.login }, 'another passphrase'), 'forbidden');
      // To an admin of A alone, estate B reads as one that does not exist: the refusal does not name it.
      expect(JSON.stringify({ message: refused.message, details: refused.details })).not.toContain(estateB);
      await expectAppError(ctx.tokens.issue(adminA.caller, { login: onlyB.login }, { name: 'x' }), 'not_found');
      await ctx.signIn.authenticate(both.token);
      await ctx.signIn.authenticate(onlyB.token);
    });

    it('an admin cannot see or revoke the API tokens of another estate\'s staff', async () => {
      const adminA = await ctx.member([role(estateA, 'admin')]);
      const adminB = await ctx.member([role(estateB, 'admin')]);
      const issued = await ctx.tokens.issue(adminB.caller, { login: adminB.login }, { name: 'B integration' });
      expect((await ctx.tokens.list(adminA.caller)).map((t) => t.id)).not.toContain(issued.summary.id);
      await expectAppError(ctx.tokens.revoke(adminA.caller, issued.summary.id), 'not_found', 'api_token_not_found');
      await ctx.signIn.authenticate(issued.token);
    });
  });
}
