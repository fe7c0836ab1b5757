import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_POLICY } from '../../../cloud/access/access-policy.js';
import { tokenHash } from '../../../cloud/access/secret-token.js';
import { uniqueSlug } from '../../support/wire-fixtures.js';
import { expectAppError } from './expect-app-error.js';
import { peopleContext, role, TEST_PASSWORD, TEST_POLICY, type PeopleContext } from './people-context.js';
import type { PeopleSuite } from './people-suite.js';

const MINUTE_MS = 60_000;
const { loginThrottle, addressThrottle } = DEFAULT_ACCESS_POLICY;

async function storedHash(ctx: PeopleContext, login: string): Promise<string> {
  const { rows } = await ctx.db.query<{ password_hash: string }>('SELECT password_hash FROM staff WHERE login = $1', [login]);
  return rows[0]!.password_hash;
}

/** Sign-in, password hashes, lockout and the per-address throttle. */
export function describeSignIn(suite: PeopleSuite): void {
  describe('sign-in', () => {
    let ctx: PeopleContext;
    let estateId: string;
    /** Each test signs in from an address of its own: the per-address count is shared by the whole database. */
    let address: string;
    beforeEach(async () => {
      ctx = peopleContext(suite.db());
      ({ estateId } = await ctx.newEstate());
      address = uniqueSlug('address');
    });

    async function newStaff(password = TEST_PASSWORD): Promise<string> {
      const login = uniqueSlug('staff');
      await ctx.staff.addStaff(await ctx.operator(), { login, display_name: 'Staff', password, grants: [role(estateId, 'supervisor')] });
      return login;
    }

    const attempt = (login: string, password: string, from = address) => ctx.signIn.signIn({ login, password, address: from });

    it('stores the scrypt parameters with the hash (2^17, 8, 1 by default) and signs in with it', async () => {
      const strong = peopleContext(suite.db(), DEFAULT_ACCESS_POLICY);
      const login = uniqueSlug('staff');
      await strong.staff.addStaff(await strong.operator(), { login, display_name: 'Staff', password: TEST_PASSWORD, grants: [role(estateId, 'housekeeper')] });
      const hash = await storedHash(strong, login);
      expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
      expect(hash).not.toContain(TEST_PASSWORD);
      const signedIn = await strong.signIn.signIn({ login, password: TEST_PASSWORD, address });
      expect(signedIn.caller.grants).toEqual([{ estateId, role: 'housekeeper', buildingIds: null }]);
    });

    it('rehashes a password stored with weaker parameters at the next sign-in, and it still signs in', async () => {
      const login = await newStaff();
      expect(await storedHash(ctx, login)).toMatch(/^scrypt\$16384\$/);
      const raised = peopleContext(suite.db(), { ...TEST_POLICY, passwordParams: { N: 2 ** 15, r: 8, p: 1 } });
      await raised.signIn.signIn({ login, password: TEST_PASSWORD, address });
      expect(await storedHash(ctx, login)).toMatch(/^scrypt\$32768\$8\$1\$/);
      await raised.signIn.signIn({ login, password: TEST_PASSWORD, address });
      await ctx.signIn.signIn({ login, password: TEST_PASSWORD, address });
    });

    it('a wrong password and an unknown login fail alike', async () => {
      const login = await newStaff();
      const wrong = await expectAppError(attempt(login, 'not the password'), 'unauthenticated', 'bad_credentials');
      const unknown = await expectAppError(attempt(uniqueSlug('nobody'), TEST_PASSWORD), 'unauthenticated', 'bad_credentials');
      expect(unknown.message).toBe(wrong.message);
    });

    it('names the field of a malformed sign-in', async () => {
      const error = await expectAppError(ctx.signIn.signIn({ login: 'x', password: '', address }), 'invalid');
      expect(error.fields.map((f) => f.path)).toEqual(['login', 'password']);
    });

    it(`locks a login after ${loginThrottle.limit} failures for ${loginThrottle.lockoutMs / MINUTE_MS} min, the right password included; then signs in`, async () => {
      const login = await newStaff();
      for (let i = 0; i < loginThrottle.limit; i++) await expectAppError(attempt(login, `wrong ${i}`), 'unauthenticated');
      const locked = await expectAppError(attempt(login, TEST_PASSWORD), 'rate_limited', 'sign_in_locked');
      expect(locked.details).toEqual({ retry_after_s: loginThrottle.lockoutMs / 1000 });
      // From another address too: the lock is on the login.
      await expectAppError(attempt(login, TEST_PASSWORD, uniqueSlug('address')), 'rate_limited');
      ctx.clock.advance(loginThrottle.lockoutMs - 1);
      await expectAppError(attempt(login, TEST_PASSWORD), 'rate_limited');
      ctx.clock.advance(1);
      await attempt(login, TEST_PASSWORD);
    });

    it('a success clears the failures: the count starts again', async () => {
      const login = await newStaff();
      for (let i = 0; i < loginThrottle.limit - 1; i++) await expectAppError(attempt(login, 'wrong'), 'unauthenticated');
      await attempt(login, TEST_PASSWORD);
      for (let i = 0; i < loginThrottle.limit - 1; i++) await expectAppError(attempt(login, 'wrong'), 'unauthenticated');
      await attempt(login, TEST_PASSWORD);
    });

    it('attempts fired at once: only the limit are checked, the rest refused', async () => {
      const login = await newStaff();
      const results = await Promise.allSettled(Array.from({ length: 2 * loginThrottle.limit }, (_, i) => attempt(login, `wrong ${i}`)));
      const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'signed_in'));
      expect(codes.filter((c) => c === 'bad_credentials')).toHaveLength(loginThrottle.limit);
      expect(codes.filter((c) => c === 'sign_in_locked')).toHaveLength(loginThrottle.limit);
    });

    it(`refuses an address after ${addressThrottle.limit} failures on any logins`, async () => {
      for (let i = 0; i < addressThrottle.limit; i++) await expectAppError(attempt(uniqueSlug('guess'), 'wrong'), 'unauthenticated');
      const login = await newStaff();
      await expectAppError(attempt(login, TEST_PASSWORD), 'rate_limited');
      await attempt(login, TEST_PASSWORD, uniqueSlug('address'));
    });

    it('a password reset lifts the lockout and ends every session', async () => {
      const login = await newStaff();
      const first = await attempt(login, TEST_PASSWORD);
      for (let i = 0; i < loginThrottle.limit; i++) await expectAppError(attempt(login, 'wrong'), 'unauthenticated');
      await expectAppError(attempt(login, TEST_PASSWORD), 'rate_limited');
      const { revokedSessions } = await ctx.staff.resetPassword(await ctx.operator(), { login }, 'a brand new passphrase');
      expect(revokedSessions).toBe(1);
      await expectAppError(ctx.signIn.authenticate(first.token), 'unauthenticated', 'session_ended');
      await expectAppError(attempt(login, TEST_PASSWORD), 'unauthenticated');
      await attempt(login, 'a brand new passphrase');
    });

    it('a disabled account cannot sign in, and its session stops at once', async () => {
      const login = await newStaff();
      const { token } = await attempt(login, TEST_PASSWORD);
      await ctx.staff.disable(await ctx.operator(), { login });
      await expectAppError(ctx.signIn.authenticate(token), 'unauthenticated');
      await expectAppError(attempt(login, TEST_PASSWORD), 'unauthenticated', 'bad_credentials');
    });

    it('keeps only the hash of the session token', async () => {
      const login = await newStaff();
      const { token, sessionId } = await attempt(login, TEST_PASSWORD);
      expect(token).toMatch(/^ecs_[A-Za-z0-9_-]{43}$/);
      const { rows } = await ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE id = $1', [sessionId]);
      expect(rows[0]!.token_hash).toBe(tokenHash(token));
      expect(JSON.stringify(rows)).not.toContain(token);
    });
  });
}
