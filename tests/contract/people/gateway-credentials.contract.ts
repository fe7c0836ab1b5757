import { beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../../cloud/db/sql-database.js';
import { GatewayCredentialService } from '../../../cloud/registry/gateway-credential-service.js';
import { GatewayLoginCheck } from '../../../cloud/registry/gateway-login-check.js';
import { RegistryRepository } from '../../../cloud/registry/registry-repository.js';
import { expectAppError } from './expect-app-error.js';
import { peopleContext, role, type EstateFixture, type PeopleContext } from './people-context.js';
import type { PeopleSuite } from './people-suite.js';

/**
 * The database, with each of the first `parties` transactions waiting, once open, until all are:
 * their statements then interleave. On PGlite, which runs one transaction at a time, they run as
 * they come.
 */
function meetingInTransactions(db: SqlDatabase, parties: number): SqlDatabase {
  if (db.kind === 'pglite') return db;
  let inside = 0;
  let allInside!: () => void;
  const met = new Promise<void>((resolve) => (allInside = resolve));
  return {
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    close: () => db.close(),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        if (++inside === parties) allInside();
        await met;
        return fn(tx);
      }),
  };
}

/** Which of the passwords the broker's check takes for the gateway now. */
async function acceptedOf(check: GatewayLoginCheck, gatewayId: string, passwords: Record<string, string>): Promise<string[]> {
  const accepted: string[] = [];
  for (const [name, password] of Object.entries(passwords)) if (await check.verifyGatewayPassword(gatewayId, password)) accepted.push(name);
  return accepted;
}

/** Gateways' MQTT credentials in the registry: issue, rotation, revocation, scoping by estate, audit, and the broker's check. */
export function describeGatewayCredentials(suite: PeopleSuite): void {
  describe('gateway credentials', () => {
    let ctx: PeopleContext;
    let credentials: GatewayCredentialService;
    let check: GatewayLoginCheck;
    let a: EstateFixture;
    let b: EstateFixture;
    beforeEach(async () => {
      ctx = peopleContext(suite.db());
      credentials = new GatewayCredentialService(suite.db(), ctx.clock);
      check = new GatewayLoginCheck(suite.db(), new RegistryRepository(suite.db()));
      a = await ctx.newEstate();
      b = await ctx.newEstate();
    });

    it('an admin of the estate issues a generated password once, then rotates it: the old one is refused from then on', async () => {
      const admin = await ctx.member([role(a.estateId, 'admin')]);
      expect(await credentials.state(admin.caller, a.gatewayId)).toMatchObject({ state: 'none', credentialId: null, issuedAt: null, rotations: 0 });

      const first = await credentials.issue(admin.caller, a.gatewayId);
      expect(first.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(first.rotated).toBe(false);
      const actor = `staff:${admin.caller.identity.kind === 'staff' ? admin.caller.identity.staffId : ''}`;
      expect(first.state).toEqual({
        gatewayId: a.gatewayId,
        estateId: a.estateId,
        state: 'active',
        credentialId: expect.any(String),
        issuedAt: ctx.clock.now(),
        issuedBy: actor,
        revokedAt: null,
        revokedBy: null,
        rotations: 0,
      });
      expect(await acceptedOf(check, a.gatewayId, { first: first.password, wrong: `${first.password}x`, empty: '' })).toEqual(['first']);

      ctx.clock.advance(60_000);
      const second = await credentials.issue(admin.caller, a.gatewayId);
      expect(second.rotated).toBe(true);
      expect(second.password).not.toBe(first.password);
      expect(second.state).toMatchObject({ state: 'active', issuedAt: ctx.clock.now(), rotations: 1 });
      expect(second.state.credentialId).not.toBe(first.state.credentialId);
      expect(await acceptedOf(check, a.gatewayId, { first: first.password, second: second.password })).toEqual(['second']);
      // The other estate's gateway is untouched by all of this.
      expect(await acceptedOf(check, b.gatewayId, { first: first.password, second: second.password })).toEqual([]);
      expect(await credentials.state(admin.caller, a.gatewayId)).toEqual(second.state);
    });

    it('revoking ends the password at once; revoking again changes nothing; a new issue brings the gateway back', async () => {
      const admin = await ctx.operator();
      const issued = await credentials.issue(admin, a.gatewayId);
      ctx.clock.advance(1_000);
      const revoked = await credentials.revoke(admin, a.gatewayId);
      expect(revoked).toMatchObject({ state: 'revoked', credentialId: issued.state.credentialId, revokedAt: ctx.clock.now(), revokedBy: 'operator', rotations: 0 });
      expect(await check.verifyGatewayPassword(a.gatewayId, issued.password)).toBe(false);
      ctx.clock.advance(1_000);
      expect(await credentials.revoke(admin, a.gatewayId)).toEqual(revoked);
      expect(await credentials.mosquittoHashes(admin)).not.toContainEqual(expect.objectContaining({ gatewayId: a.gatewayId }));

      const again = await credentials.issue(admin, a.gatewayId);
      expect(again).toMatchObject({ rotated: false, state: { state: 'active', revokedAt: null, rotations: 0 } });
      expect(await acceptedOf(check, a.gatewayId, { old: issued.password, again: again.password })).toEqual(['again']);
    });

    it('keeps one Mosquitto hash per gateway in force, made at issue, and lists only the estates the caller administers', async () => {
      const operator = await ctx.operator();
      const first = await credentials.issue(operator, a.gatewayId);
      await credentials.issue(operator, b.gatewayId);
      const before = (await credentials.mosquittoHashes(operator)).find((entry) => entry.gatewayId === a.gatewayId);
      expect(before?.mosquittoHash).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
      await credentials.issue(operator, a.gatewayId);
      const after = (await credentials.mosquittoHashes(operator)).filter((entry) => entry.gatewayId === a.gatewayId);
      expect(after).toHaveLength(1);
      expect(after[0]!.mosquittoHash).not.toBe(before!.mosquittoHash);
      expect(after[0]!.mosquittoHash).not.toContain(first.password);

      const adminA = await ctx.member([role(a.estateId, 'admin')]);
      expect((await credentials.mosquittoHashes(adminA.caller)).map((entry) => entry.gatewayId)).toEqual([a.gatewayId]);
      const facilitiesA = await ctx.member([role(a.estateId, 'facilities')]);
      expect(await credentials.mosquittoHashes(facilitiesA.caller)).toEqual([]);
    });

    it('only an admin of the estate issues or revokes; who sees gateways sees the state; a stranger finds no such gateway', async () => {
      const operator = await ctx.operator();
      await credentials.issue(operator, a.gatewayId);
      const supervisor = await ctx.member([role(a.estateId, 'supervisor')]);
      const facilities = await ctx.member([role(a.estateId, 'facilities')]);
      const housekeeper = await ctx.member([role(a.estateId, 'housekeeper')]);
      const strangerAdmin = await ctx.member([role(b.estateId, 'admin')]);
      for (const member of [supervisor, facilities, housekeeper]) {
        await expectAppError(credentials.issue(member.caller, a.gatewayId), 'forbidden');
        await expectAppError(credentials.revoke(member.caller, a.gatewayId), 'forbidden');
      }
      expect((await credentials.state(facilities.caller, a.gatewayId)).state).toBe('active');
      expect((await credentials.state(supervisor.caller, a.gatewayId)).state).toBe('active');
      await expectAppError(credentials.state(housekeeper.caller, a.gatewayId), 'forbidden');

      const hidden = await expectAppError(credentials.issue(strangerAdmin.caller, a.gatewayId), 'not_found', 'gateway_not_found');
      const absent = await expectAppError(credentials.issue(strangerAdmin.caller, 'gw-nowhere'), 'not_found', 'gateway_not_found');
      expect(hidden.message.replace(a.gatewayId, '<id>')).toBe(absent.message.replace('gw-nowhere', '<id>'));
      await expectAppError(credentials.revoke(strangerAdmin.caller, a.gatewayId), 'not_found', 'gateway_not_found');
      await expectAppError(credentials.state(strangerAdmin.caller, a.gatewayId), 'not_found', 'gateway_not_found');
      expect((await credentials.state(operator, a.gatewayId)).state).toBe('active');
    });

    it('records issue, rotation and revocation in the audit log with the credential ids and never a secret', async () => {
      const admin = await ctx.member([role(a.estateId, 'admin')]);
      const first = await credentials.issue(admin.caller, a.gatewayId);
      const second = await credentials.issue(admin.caller, a.gatewayId);
      await credentials.revoke(admin.caller, a.gatewayId);
      await credentials.revoke(admin.caller, a.gatewayId);
      const entries = (await ctx.audit.list(admin.caller, { estate_id: a.estateId, kind: 'change' })).filter((entry) => entry.subjectId === a.gatewayId);
      expect(entries.map((entry) => [entry.action, entry.details])).toEqual([
        ['gateway_credential_revoked', { credential_id: second.state.credentialId }],
        ['gateway_credential_rotated', { credential_id: second.state.credentialId, replaced_credential_id: first.state.credentialId }],
        ['gateway_credential_issued', { credential_id: first.state.credentialId }],
        ['gateway_registered', {}],
      ]);
      expect(entries.slice(0, 3).map((entry) => entry.actor.kind)).toEqual(['staff', 'staff', 'staff']);
      expect(JSON.stringify(entries)).not.toContain(first.password);
    });

    it("takes the cloud config's password only until the registry issues one, and never again after a revocation", async () => {
      const registry = new RegistryRepository(suite.db());
      await registry.upsertGateway({ id: a.gatewayId, estateId: a.estateId, name: 'Gateway', password: 'password-of-the-config' });
      expect(await acceptedOf(check, a.gatewayId, { config: 'password-of-the-config', wrong: 'password-of-the-confiG' })).toEqual(['config']);
      const operator = await ctx.operator();
      const issued = await credentials.issue(operator, a.gatewayId);
      expect(await acceptedOf(check, a.gatewayId, { config: 'password-of-the-config', issued: issued.password })).toEqual(['issued']);
      await credentials.revoke(operator, a.gatewayId);
      expect(await acceptedOf(check, a.gatewayId, { config: 'password-of-the-config', issued: issued.password })).toEqual([]);
      expect(await check.verifyGatewayPassword('gw-nowhere', 'password-of-the-config')).toBe(false);
    });

    it('two issues of one gateway at once leave exactly one password in force, the later one', async () => {
      const operator = await ctx.operator();
      const together = new GatewayCredentialService(meetingInTransactions(suite.db(), 2), ctx.clock);
      const [one, two] = await Promise.all([together.issue(operator, a.gatewayId), together.issue(operator, a.gatewayId)]);
      expect([one.rotated, two.rotated].sort()).toEqual([false, true]);
      const later = one.rotated ? one : two;
      expect(await acceptedOf(check, a.gatewayId, { one: one.password, two: two.password })).toEqual([later === one ? 'one' : 'two']);
      expect(await credentials.state(operator, a.gatewayId)).toMatchObject({ state: 'active', credentialId: later.state.credentialId, rotations: 1 });
    });
  });
}
