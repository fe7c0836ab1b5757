import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../cloud/access/caller.js';
import { expectAppError } from './expect-app-error.js';
import { CARE_READ, peopleContext, role, type EstateFixture, type PeopleContext } from './people-context.js';
import type { PeopleSuite } from './people-suite.js';

const staffIdOf = (caller: Caller): string => (caller.identity as { staffId: string }).staffId;

/** The audit log as an estate manager pages through it: filters by household, actor and time, scoped to their estates. */
export function describeAudit(suite: PeopleSuite): void {
  describe('audit log', () => {
    let ctx: PeopleContext;
    let a: EstateFixture;
    let b: EstateFixture;
    let manager: Caller;
    let housekeeper: Caller;
    let supervisor: Caller;
    beforeEach(async () => {
      ctx = peopleContext(suite.db());
      a = await ctx.newEstate();
      b = await ctx.newEstate();
      manager = (await ctx.member([role(a.estateId, 'estate_manager')])).caller;
      housekeeper = (await ctx.member([role(a.estateId, 'housekeeper')])).caller;
      supervisor = (await ctx.member([role(a.estateId, 'supervisor'), role(b.estateId, 'supervisor')])).caller;
      for (const estate of [a, b]) {
        await ctx.households.enrol(supervisor, estate.estateId, {
          unit_id: 'hh-101',
          consent: { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-1' },
        });
      }
    });

    it('filters by actor and household, and by a time window [from, to)', async () => {
      ctx.clock.advance(60_000);
      const firstRead = ctx.clock.now();
      await ctx.households.get(housekeeper, { estateId: a.estateId, unitId: 'hh-101' }, CARE_READ);
      ctx.clock.advance(60_000);
      await ctx.households.get(supervisor, { estateId: a.estateId, unitId: 'hh-101' }, CARE_READ);
      await ctx.households.get(housekeeper, { estateId: a.estateId, unitId: 'hh-101' }, CARE_READ);
      await ctx.households.get(supervisor, { estateId: b.estateId, unitId: 'hh-101' }, CARE_READ);

      const byHousekeeper = await ctx.audit.list(manager, { estate_id: a.estateId, actor_id: staffIdOf(housekeeper) });
      expect(byHousekeeper.map((e) => [e.action, e.at])).toEqual([
        ['household_read', firstRead + 60_000],
        ['household_read', firstRead],
      ]);
      const bySupervisor = await ctx.audit.list(manager, { estate_id: a.estateId, actor_id: staffIdOf(supervisor), unit_id: 'hh-101' });
      expect(bySupervisor.map((e) => [e.estateId, e.action])).toEqual([
        [a.estateId, 'household_read'],
        [a.estateId, 'household_enrolled'],
      ]);
      const window = await ctx.audit.list(manager, { estate_id: a.estateId, since: firstRead, until: firstRead + 60_000 });
      expect(window.map((e) => [e.action, e.actor.id])).toEqual([['household_read', staffIdOf(housekeeper)]]);
    });

    it('pages newest first with a bounded limit and the id of the last entry seen, never into another estate', async () => {
      for (let read = 0; read < 5; read += 1) await ctx.households.get(housekeeper, { estateId: a.estateId, unitId: 'hh-101' }, CARE_READ);
      const everything = await ctx.audit.list(manager, { estate_id: a.estateId, limit: 500 });
      const pages: number[][] = [];
      let beforeId: number | undefined;
      for (;;) {
        const page = await ctx.audit.list(manager, { estate_id: a.estateId, limit: 3, ...(beforeId === undefined ? {} : { before_id: beforeId }) });
        if (page.length === 0) break;
        pages.push(page.map((e) => e.id));
        beforeId = page.at(-1)!.id;
      }
      expect(pages.every((page) => page.length <= 3)).toBe(true);
      expect(pages.flat()).toEqual(everything.map((e) => e.id));
      expect(new Set(everything.map((e) => e.estateId))).toEqual(new Set([a.estateId]));
      await expectAppError(ctx.audit.list(manager, { estate_id: a.estateId, limit: 501 }), 'invalid');
      await expectAppError(ctx.audit.list(manager, { estate_id: b.estateId }), 'not_found', 'estate_not_found');
    });
  });
}
