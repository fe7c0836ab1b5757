import { beforeEach, describe, expect, it } from 'vitest';
import { tokenHash } from '../../../cloud/access/secret-token.js';
import { expectAppError } from './expect-app-error.js';
import { peopleContext, role, TEST_POLICY, type PeopleContext } from './people-context.js';
import type { PeopleSuite } from './people-suite.js';

const MINUTE_MS = 60_000;
const { sessionIdleMs, sessionAbsoluteMs } = TEST_POLICY;

/** Sessions (revocation, idle and absolute expiry) and API tokens. */
export function describeSessions(suite: PeopleSuite): void {
  describe('sessions and API tokens', () => {
    let ctx: PeopleContext;
    let estateId: string;
    beforeEach(async () => {
      ctx = peopleContext(suite.db());
      ({ estateId } = await ctx.newEstate());
    });

    it('a session token authenticates as its staff member with their grants, fresh from the database', async () => {
      const member = await ctx.member([role(estateId, 'housekeeper', ['b1'])]);
      const caller = await ctx.signIn.authenticate(member.token);
      expect(caller.identity).toMatchObject({ kind: 'staff', login: member.login });
      expect(caller.grants).toEqual([{ estateId, role: 'housekeeper', buildingIds: ['b1'] }]);
    });

    it('a revoked session is refused at its very next request; other members keep theirs', async () => {
      const member = await ctx.member([role(estateId, 'housekeeper')]);
      const other = await ctx.member([role(estateId, 'housekeeper')]);
      const admin = await ctx.member([role(estateId, 'admin')]);
      await ctx.signIn.authenticate(member.token);
      expect(await ctx.staff.revokeSessions(admin.caller, { login: member.login })).toBe(1);
      await expectAppError(ctx.signIn.authenticate(member.token), 'unauthenticated', 'session_ended');
      await ctx.signIn.authenticate(other.token);
    });

    it('signing out ends that session only', async () => {
      const member = await ctx.member([role(estateId, 'supervisor')]);
      const second = await ctx.signIn.signIn({ login: member.login, password: 'correct horse battery', address: 'phone' });
      await ctx.signIn.signOut(member.token);
      await expectAppError(ctx.signIn.authenticate(member.token), 'unauthenticated');
      await ctx.signIn.authenticate(second.token);
    });

    it(`ends after ${sessionIdleMs / MINUTE_MS} min unused; use keeps it alive until ${sessionAbsoluteMs / 3_600_000} h after sign-in`, async () => {
      const idle = await ctx.member([role(estateId, 'supervisor')]);
      const busy = await ctx.member([role(estateId, 'supervisor')]);
      const signedInAt = ctx.clock.now();
      ctx.clock.advance(sessionIdleMs - 1);
      await ctx.signIn.authenticate(busy.token);
      ctx.clock.advance(1);
      await expectAppError(ctx.signIn.authenticate(idle.token), 'unauthenticated', 'session_ended');
      while (ctx.clock.now() + sessionIdleMs / 2 < signedInAt + sessionAbsoluteMs) {
        ctx.clock.advance(sessionIdleMs / 2);
        await ctx.signIn.authenticate(busy.token);
      }
      ctx.clock.set(signedInAt + sessionAbsoluteMs);
      await expectAppError(ctx.signIn.authenticate(busy.token), 'unauthenticated', 'session_ended');
    });

    it('refuses a missing, malformed or made-up token', async () => {
      await expectAppError(ctx.signIn.authenticate(undefined), 'unauthenticated', 'not_signed_in');
      await expectAppError(ctx.signIn.authenticate('garbage'), 'unauthenticated', 'token_invalid');
      await expectAppError(ctx.signIn.authenticate(`ecs_${'A'.repeat(43)}`), 'unauthenticated', 'session_ended');
      await expectAppError(ctx.signIn.authenticate(`ect_${'A'.repeat(43)}`), 'unauthenticated', 'token_invalid');
    });

    it('an admin issues an API token shown once and stored hashed; it acts with its account\'s roles until revoked', async () => {
      const admin = await ctx.member([role(estateId, 'admin')]);
      const integration = await ctx.member([role(estateId, 'facilities')]);
      const issued = await ctx.tokens.issue(admin.caller, { login: integration.login }, { name: 'wall screen' });
      expect(issued.token).toMatch(/^ect_/);
      expect(issued.summary).toMatchObject({ name: 'wall screen', expiresAt: ctx.clock.now() + TEST_POLICY.apiTokenDefaultTtlMs, revokedAt: null });
      const { rows } = await ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [issued.summary.id]);
      expect(rows).toEqual([{ token_hash: tokenHash(issued.token) }]);

      const caller = await ctx.signIn.authenticate(issued.token);
      expect(caller.identity).toEqual({ kind: 'api_token', staffId: issued.summary.staffId, login: integration.login, tokenId: issued.summary.id });
      expect(caller.grants).toEqual([{ estateId, role: 'facilities', buildingIds: null }]);
      expect(JSON.stringify(await ctx.tokens.list(admin.caller))).not.toContain(issued.token);

      await ctx.tokens.revoke(admin.caller, issued.summary.id);
      await expectAppError(ctx.signIn.authenticate(issued.token), 'unauthenticated', 'token_invalid');
      await expectAppError(ctx.tokens.revoke(admin.caller, issued.summary.id), 'conflict', 'already_revoked');
    });

    it('an API token ends at its expiry', async () => {
      const admin = await ctx.member([role(estateId, 'admin')]);
      const issued = await ctx.tokens.issue(admin.caller, { login: admin.login }, { name: 'nightly export', expires_in_days: 1 });
      ctx.clock.advance(24 * 60 * MINUTE_MS - 1);
      await ctx.signIn.authenticate(issued.token);
      ctx.clock.advance(1);
      await expectAppError(ctx.signIn.authenticate(issued.token), 'unauthenticated', 'token_invalid');
    });
  });
}
