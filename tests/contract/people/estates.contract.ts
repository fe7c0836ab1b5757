import { beforeEach, describe, expect, it } from 'vitest';
import { uniqueSlug } from '../../support/wire-fixtures.js';
import { expectAppError } from './expect-app-error.js';
import { peopleContext, role, type EstateFixture, type PeopleContext } from './people-context.js';
import type { PeopleSuite } from './people-suite.js';

/** Setting up estates, and what each caller sees of them. */
export function describeEstates(suite: PeopleSuite): void {
  describe('estates', () => {
    let ctx: PeopleContext;
    let a: EstateFixture;
    let b: EstateFixture;
    beforeEach(async () => {
      ctx = peopleContext(suite.db());
      a = await ctx.newEstate();
      b = await ctx.newEstate();
    });

    it('an admin of the estate sets it up; other roles are forbidden; a stranger finds no such estate', async () => {
      const admin = await ctx.member([role(a.estateId, 'admin')]);
      const supervisor = await ctx.member([role(a.estateId, 'supervisor')]);
      const stranger = await ctx.member([role(b.estateId, 'admin')]);
      await ctx.estates.addBuilding(admin.caller, a.estateId, { id: 'b3', name: 'Building 3' });
      await ctx.estates.addUnit(admin.caller, a.estateId, { id: 'hh-301', building_id: 'b3', label: '3-301' });
      await expectAppError(ctx.estates.addBuilding(supervisor.caller, a.estateId, { id: 'b4', name: 'x' }), 'forbidden');
      const hidden = await expectAppError(ctx.estates.addBuilding(stranger.caller, a.estateId, { id: 'b4', name: 'x' }), 'not_found', 'estate_not_found');
      const absent = await expectAppError(ctx.estates.addBuilding(stranger.caller, 'no-such-estate', { id: 'b4', name: 'x' }), 'not_found', 'estate_not_found');
      expect(hidden.message.replace(a.estateId, '<id>')).toBe(absent.message.replace('no-such-estate', '<id>'));
      await expectAppError(ctx.estates.createEstate(admin.caller, { id: uniqueSlug('estate'), name: 'x' }), 'forbidden');
    });

    it('ids taken and unknown buildings are named', async () => {
      const admin = await ctx.operator();
      await expectAppError(ctx.estates.addBuilding(admin, a.estateId, { id: 'b1', name: 'again' }), 'conflict', 'building_exists');
      await expectAppError(ctx.estates.addUnit(admin, a.estateId, { id: 'hh-101', building_id: 'b1', label: 'again' }), 'conflict', 'unit_exists');
      const unknown = await expectAppError(ctx.estates.addUnit(admin, a.estateId, { id: 'hh-999', building_id: 'b9', label: '9-999' }), 'invalid');
      expect(unknown.fields).toEqual([{ path: 'building_id', message: `no building b9 in estate ${a.estateId}` }]);
      const bad = await expectAppError(ctx.estates.addUnit(admin, a.estateId, { id: 'Bad Id', building_id: 'b1', label: '' }), 'invalid');
      expect(bad.fields.map((f) => f.path)).toEqual(['id', 'label']);
      await expectAppError(ctx.estates.registerGateway(admin, b.estateId, { id: a.gatewayId, name: 'taken' }), 'conflict', 'gateway_exists');
    });

    it('a device goes on a gateway of its own estate, to one unit or asset that exists there', async () => {
      const admin = await ctx.member([role(a.estateId, 'admin')]);
      const map = (device: Record<string, unknown>) =>
        ctx.estates.mapDevice(admin.caller, a.estateId, { id: 'door-1', gateway_id: a.gatewayId, profile: 'door_controller_generic', ...device });
      await map({ asset_id: 'lift-1' });
      const otherEstates = await expectAppError(map({ gateway_id: b.gatewayId, unit_id: 'hh-101' }), 'invalid');
      const missing = await expectAppError(map({ gateway_id: 'gw-missing', unit_id: 'hh-101' }), 'invalid');
      expect(otherEstates.fields[0]!.path).toBe('gateway_id');
      expect(otherEstates.message.replace(b.gatewayId, '<id>')).toBe(missing.message.replace('gw-missing', '<id>'));
      expect((await expectAppError(map({ unit_id: 'hh-999' }), 'invalid')).fields[0]!.path).toBe('unit_id');
      expect((await expectAppError(map({ unit_id: 'hh-101', asset_id: 'lift-1' }), 'invalid')).fields[0]!.path).toBe('unit_id');
      await map({ unit_id: 'hh-101' });
      const devices = await ctx.estates.listDevices(admin.caller, a.estateId, { gatewayId: a.gatewayId });
      expect(devices.find((d) => d.id === 'door-1')).toEqual({
        estateId: a.estateId,
        id: 'door-1',
        gatewayId: a.gatewayId,
        profile: 'door_controller_generic',
        unitId: 'hh-101',
        assetId: null,
      });
    });

    it('lists hold only what the caller may see: their estates, a housekeeper\'s own buildings', async () => {
      const housekeeper = await ctx.member([role(a.estateId, 'housekeeper', ['b1'])]);
      const facilities = await ctx.member([role(a.estateId, 'facilities')]);
      expect((await ctx.estates.listEstates(housekeeper.caller)).map((e) => e.id)).toEqual([a.estateId]);
      expect((await ctx.estates.listBuildings(housekeeper.caller, a.estateId)).map((x) => x.id)).toEqual(['b1']);
      expect((await ctx.estates.listUnits(housekeeper.caller, a.estateId)).map((x) => x.id)).toEqual(['hh-101']);
      expect((await ctx.estates.listUnits(facilities.caller, a.estateId)).map((x) => x.id)).toEqual(['hh-101', 'hh-201']);
      expect((await ctx.estates.listGateways(facilities.caller)).map((g) => g.id)).toEqual([a.gatewayId]);
      expect(await ctx.estates.listGateways(housekeeper.caller)).toEqual([]);
      await expectAppError(ctx.estates.listUnits(facilities.caller, b.estateId), 'not_found');
      await expectAppError(ctx.estates.listGateways(facilities.caller, { estateId: b.estateId }), 'not_found');
    });

    it('one estate reads only to a caller with a role there; its devices only to roles that see its gateways', async () => {
      const housekeeper = await ctx.member([role(a.estateId, 'housekeeper', ['b1'])]);
      const facilities = await ctx.member([role(a.estateId, 'facilities')]);
      expect(await ctx.estates.getEstate(housekeeper.caller, a.estateId)).toEqual({ id: a.estateId, name: `碧水湾 ${a.estateId}` });
      const hidden = await expectAppError(ctx.estates.getEstate(housekeeper.caller, b.estateId), 'not_found', 'estate_not_found');
      const absent = await expectAppError(ctx.estates.getEstate(housekeeper.caller, 'no-such-estate'), 'not_found', 'estate_not_found');
      expect(hidden.message.replace(b.estateId, '<id>')).toBe(absent.message.replace('no-such-estate', '<id>'));
      expect((await ctx.estates.listDevices(facilities.caller, a.estateId)).map((d) => d.id)).toEqual(['meter-101', 'meter-201']);
      await expectAppError(ctx.estates.listDevices(housekeeper.caller, a.estateId), 'forbidden');
      await expectAppError(ctx.estates.listDevices(facilities.caller, b.estateId), 'not_found');
    });
  });
}
