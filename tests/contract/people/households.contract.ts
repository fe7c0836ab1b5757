import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../cloud/access/caller.js';
import { isAppError } from '../../../cloud/platform/app-error.js';
import { expectAppError } from './expect-app-error.js';
import { CARE_READ, peopleContext, role, type EstateFixture, type PeopleContext } from './people-context.js';
import type { PeopleSuite } from './people-suite.js';

const CONSENT = {
  given_by: 'the resident',
  given_at: '2026-11-20T02:00:00.000Z',
  scope: 'Water and electricity activity watched for long quiet; a housekeeper visits when it is unusual.',
  document_ref: 'CONSENT-2026-0117',
};

/** Households in care: versioned changes, scoping, masking, audit, and the gateway's care section. */
export function describeHouseholds(suite: PeopleSuite): void {
  describe('households in care', () => {
    let ctx: PeopleContext;
    let a: EstateFixture;
    let b: EstateFixture;
    let supervisor: Caller;
    beforeEach(async () => {
      ctx = peopleContext(suite.db());
      a = await ctx.newEstate();
      b = await ctx.newEstate();
      supervisor = (await ctx.member([role(a.estateId, 'supervisor')])).caller;
    });

    const keyA = (unitId = 'hh-101') => ({ estateId: a.estateId, unitId });
    const enrol = (caller = supervisor, unitId = 'hh-101') => ctx.households.enrol(caller, a.estateId, { unit_id: unitId, consent: CONSENT });
    const contact = (name: string) => ({ name, relationship: 'son', phone: '138 1234 1111' });

    it('a supervisor enrols a household and changes it one version at a time; a stale version is a conflict', async () => {
      expect(await enrol()).toEqual({ ...keyA(), version: 1 });
      await expectAppError(enrol(), 'conflict', 'household_exists');
      const added = await ctx.households.addContact(supervisor, keyA(), 1, contact('李强'));
      expect(added).toMatchObject({ version: 2, contactId: expect.any(String) });
      const stale = await expectAppError(ctx.households.addContact(supervisor, keyA(), 1, contact('王芳')), 'conflict', 'stale_version');
      expect(stale.details).toEqual({ current_version: 2, expected_version: 1 });
      const record = await ctx.households.get(supervisor, keyA(), CARE_READ);
      expect(record).toMatchObject({ version: 2, buildingId: 'b1', label: '1-101', livesAlone: true });
      expect(record.consent).toMatchObject({ givenBy: 'the resident', scope: CONSENT.scope, documentRef: 'CONSENT-2026-0117', withdrawnAt: null });
      expect(record.contacts).toEqual([{ id: added.contactId, name: '李强', relationship: 'son', phoneMasked: '138****1111' }]);
    });

    it('concurrent edits of one household: one wins, the other gets conflict, and only the winner\'s change is kept', async () => {
      await enrol();
      for (let round = 0; round < 5; round++) {
        const version = round + 1;
        const results = await Promise.allSettled([
          ctx.households.addContact(supervisor, keyA(), version, contact(`first ${round}`)),
          ctx.households.addContact(supervisor, keyA(), version, contact(`second ${round}`)),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(isAppError((lost[0] as PromiseRejectedResult).reason, 'conflict')).toBe(true);
      }
      const record = await ctx.households.get(supervisor, keyA(), CARE_READ);
      expect(record.version).toBe(6);
      expect(record.contacts).toHaveLength(5);
    });

    it('names the field of a bad change', async () => {
      await enrol();
      const phone = await expectAppError(ctx.households.addContact(supervisor, keyA(), 1, { name: 'x', relationship: 'son', phone: 'call me' }), 'invalid');
      expect(phone.fields.map((f) => f.path)).toEqual(['phone']);
      const visit = await expectAppError(
        ctx.households.addCarer(supervisor, keyA(), 1, { name: '张阿姨', kind: 'carer', visits: [{ from: '10:00', to: '09:00' }] }),
        'invalid',
      );
      expect(visit.fields.map((f) => f.path)).toEqual(['visits.0.to']);
      const version = await expectAppError(ctx.households.addContact(supervisor, keyA(), 0, contact('x')), 'invalid');
      expect(version.fields.map((f) => f.path)).toEqual(['version']);
    });

    it('a caller of another estate gets not_found, exactly as for a household that does not exist; lists never hold other estates\' ids', async () => {
      await enrol();
      const strangerSupervisor = (await ctx.member([role(b.estateId, 'supervisor'), role(b.estateId, 'estate_manager')])).caller;
      await ctx.households.enrol(strangerSupervisor, b.estateId, { unit_id: 'hh-201', consent: CONSENT });
      const foreign = await expectAppError(ctx.households.get(strangerSupervisor, keyA(), CARE_READ), 'not_found');
      const ownMissing = await expectAppError(ctx.households.get(strangerSupervisor, { estateId: b.estateId, unitId: 'hh-101' }, CARE_READ), 'not_found');
      expect(foreign.message).toBe(`no estate with id ${a.estateId}`);
      expect(ownMissing.message).toBe('no household with id hh-101');
      await expectAppError(ctx.households.addContact(strangerSupervisor, keyA(), 1, contact('x')), 'not_found');
      await expectAppError(ctx.households.list(strangerSupervisor, a.estateId, {}, CARE_READ), 'not_found');
      const listed = await ctx.households.list(strangerSupervisor, b.estateId, {}, CARE_READ);
      expect(listed.map((h) => h.estateId)).toEqual([b.estateId]);
      const audit = await ctx.audit.list(strangerSupervisor, {});
      expect(new Set(audit.map((e) => e.estateId))).toEqual(new Set([b.estateId]));
    });

    it('a housekeeper sees only the households of their buildings, may record an away period but not enrol; facilities may not read care records', async () => {
      await enrol(supervisor, 'hh-101');
      await enrol(supervisor, 'hh-201');
      const housekeeper = (await ctx.member([role(a.estateId, 'housekeeper', ['b1'])])).caller;
      const facilities = (await ctx.member([role(a.estateId, 'facilities')])).caller;
      expect((await ctx.households.list(housekeeper, a.estateId, {}, CARE_READ)).map((h) => h.unitId)).toEqual(['hh-101']);
      await expectAppError(ctx.households.get(housekeeper, keyA('hh-201'), CARE_READ), 'not_found');
      const away = await ctx.households.addAwayPeriod(housekeeper, keyA(), 1, { from: '2026-12-01T00:00:00Z', to: '2026-12-08T00:00:00Z', reason: 'travel' });
      expect(away.version).toBe(2);
      await expectAppError(ctx.households.addContact(housekeeper, keyA(), 2, contact('x')), 'forbidden');
      await expectAppError(ctx.households.get(facilities, keyA(), CARE_READ), 'forbidden');
      await expectAppError(ctx.households.list(facilities, a.estateId, {}, CARE_READ), 'forbidden');
    });

    it('every read is audited in its own transaction with purpose and route; a full phone number is its own read; an estate manager lists them', async () => {
      await enrol();
      const { contactId } = await ctx.households.addContact(supervisor, keyA(), 1, contact('李强'));
      const manager = (await ctx.member([role(a.estateId, 'estate_manager')])).caller;
      const housekeeper = (await ctx.member([role(a.estateId, 'housekeeper')])).caller;
      ctx.clock.advance(1000);
      await ctx.households.get(housekeeper, keyA(), CARE_READ);
      const reveal = { purpose: 'emergency' as const, route: 'GET /api/v1/estates/:estate/households/:unit/contacts/:contact/phone' };
      expect(await ctx.households.revealContactPhone(housekeeper, keyA(), contactId, reveal)).toBe('13812341111');
      await expectAppError(ctx.households.revealContactPhone(housekeeper, keyA(), 'no-such-contact', reveal), 'not_found');
      await ctx.households.list(housekeeper, a.estateId, {}, { purpose: 'supervision', route: 'GET /api/v1/estates/:estate/households' });

      const reads = await ctx.audit.list(manager, { estate_id: a.estateId, kind: 'read' });
      expect(reads.map((e) => [e.action, e.unitId, e.subjectId, e.purpose, e.route, e.actor.id])).toEqual([
        ['household_listed', 'hh-101', null, 'supervision', 'GET /api/v1/estates/:estate/households', (housekeeper.identity as { staffId: string }).staffId],
        ['contact_phone_revealed', 'hh-101', contactId, 'emergency', reveal.route, (housekeeper.identity as { staffId: string }).staffId],
        ['household_read', 'hh-101', null, 'care_visit', CARE_READ.route, (housekeeper.identity as { staffId: string }).staffId],
      ]);
      expect(reads[0]!.at).toBe(ctx.clock.now());
      const changes = await ctx.audit.list(manager, { estate_id: a.estateId, unit_id: 'hh-101', kind: 'change' });
      const supervisorId = (supervisor.identity as { staffId: string }).staffId;
      expect(changes.map((e) => [e.action, e.details.version, e.actor.kind, e.actor.id])).toEqual([
        ['contact_added', 2, 'staff', supervisorId],
        ['household_enrolled', 1, 'staff', supervisorId],
        ['device_mapped', undefined, 'operator', 'operator'],
        ['unit_added', undefined, 'operator', 'operator'],
      ]);
      expect(JSON.stringify(changes)).not.toContain('1381234');
      await expectAppError(ctx.audit.list(housekeeper, { estate_id: a.estateId }), 'forbidden');
      expect(await ctx.audit.list(housekeeper, {})).toEqual([]);
    });

    it('the gateway\'s care section is derived from the records; withdrawing consent takes the household out, and is kept on record', async () => {
      await enrol(supervisor, 'hh-101');
      await enrol(supervisor, 'hh-201');
      let version = (await ctx.households.addCarer(supervisor, keyA(), 1, { name: '张阿姨', kind: 'carer', visits: [{ weekdays: [1, 3, 5], from: '09:00', to: '11:00' }] })).version;
      version = (await ctx.households.addAwayPeriod(supervisor, keyA(), version, { from: '2026-11-01T00:00:00Z', to: '2026-11-05T00:00:00Z', reason: 'travel' })).version;
      version = (await ctx.households.addAwayPeriod(supervisor, keyA(), version, { from: '2026-12-01T00:00:00+08:00', to: '2026-12-03T00:00:00+08:00', reason: 'hospital' })).version;
      version = (await ctx.households.updateSettings(supervisor, keyA(), version, { inactivity: { day_limit_h: 4 }, standby_power_w: 500 })).version;
      version = (await ctx.households.updateSettings(supervisor, keyA(), version, { lives_alone: false, standby_power_w: 450 })).version;

      const care = await ctx.households.careRulesForGateway(supervisor, a.estateId, a.gatewayId);
      expect(care.households.map((h) => h.unit_id)).toEqual(['hh-101', 'hh-201']);
      const [first] = care.households;
      expect(first).toMatchObject({
        consent: { recorded_at: '2026-11-20T02:00:00.000Z', purpose: CONSENT.scope },
        lives_alone: false,
        inactivity: { day_limit_h: 4, night_limit_h: 12 },
        standby_power_w: 450,
        visits: [{ weekdays: [1, 3, 5], from: '09:00', to: '11:00', who: 'carer' }],
        away_periods: [{ from: '2026-11-30T16:00:00.000Z', to: '2026-12-02T16:00:00.000Z', reason: 'hospital' }],
      });

      version = (await ctx.households.withdrawConsent(supervisor, keyA(), version, { withdrawn_at: '2026-11-24T09:00:00Z', note: 'moved in with family' })).version;
      const after = await ctx.households.careRulesForGateway(supervisor, a.estateId, a.gatewayId);
      expect(after.households.map((h) => h.unit_id)).toEqual(['hh-201']);
      const record = await ctx.households.get(supervisor, keyA(), CARE_READ);
      expect(record.consent).toBeNull();
      expect(record.consents).toHaveLength(1);
      expect(record.consents[0]).toMatchObject({ withdrawnAt: Date.parse('2026-11-24T09:00:00Z'), withdrawalNote: 'moved in with family' });
      await expectAppError(ctx.households.withdrawConsent(supervisor, keyA(), version, { withdrawn_at: '2026-11-24T10:00:00Z' }), 'conflict', 'no_consent_in_force');

      version = (await ctx.households.recordConsent(supervisor, keyA(), version, { ...CONSENT, given_at: '2026-12-10T00:00:00Z' })).version;
      expect((await ctx.households.careRulesForGateway(supervisor, a.estateId, a.gatewayId)).households.map((h) => h.unit_id)).toEqual(['hh-101', 'hh-201']);
      await expectAppError(ctx.households.recordConsent(supervisor, keyA(), version, CONSENT), 'conflict', 'consent_in_force');
      await expectAppError(ctx.households.careRulesForGateway(supervisor, a.estateId, b.gatewayId), 'not_found', 'gateway_not_found');
    });

    it('removes a contact, a carer or an away period by id; an unknown id is not_found and changes nothing', async () => {
      await enrol();
      const { contactId, version } = await ctx.households.addContact(supervisor, keyA(), 1, contact('李强'));
      await expectAppError(ctx.households.removePart(supervisor, keyA(), version, 'carer', contactId), 'not_found', 'carer_not_found');
      const removed = await ctx.households.removePart(supervisor, keyA(), version, 'contact', contactId);
      expect(removed.version).toBe(version + 1);
      expect((await ctx.households.get(supervisor, keyA(), CARE_READ)).contacts).toEqual([]);
    });
  });
}
