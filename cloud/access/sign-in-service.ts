import { z } from 'zod';
import { newId } from '../../shared/ids.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { AppError } from '../platform/app-error.js';
import { parseInput } from '../platform/parse-input.js';
import { DEFAULT_ACCESS_POLICY, type AccessPolicy } from './access-policy.js';
import { ApiTokenRepository } from './api-token-repository.js';
import type { Caller, Identity } from './caller.js';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.js';
import { isTokenOfKind, newSecretToken, tokenHash } from './secret-token.js';
import { SessionRepository } from './session-repository.js';
import { afterFailure, afterSuccess, reserveAttempt, type ThrottleRule } from './sign-in-throttle.js';
import { SignInThrottleRepository } from './sign-in-throttle-repository.js';
import { LoginSchema, PASSWORD_MAX_LENGTH } from './staff-schemas.js';
import { StaffRepository } from './staff-repository.js';

const SignInSchema = z.object({
  login: LoginSchema,
  // Not the policy for new passwords: any stored password must be able to sign in.
  password: z.string().min(1, 'a password is required').max(PASSWORD_MAX_LENGTH),
});

export interface SignInRequest {
  login: unknown;
  password: unknown;
  /** The client's network address, for the per-address throttle. */
  address: string;
}

export interface SignedIn {
  /** The session's secret: shown to the client once (as a cookie), stored only as its hash. */
  token: string;
  sessionId: string;
  idleExpiresAt: number;
  expiresAt: number;
  caller: Caller;
}

interface ThrottleKey {
  key: string;
  rule: ThrottleRule;
  /** A success clears the whole count (the login's), or gives back only its own attempt (the address's). */
  clearOnSuccess: boolean;
}

/**
 * Sign-in, the session and API-token check every request goes through, and sign-out. The password
 * is checked outside any transaction (a memory-hard hash takes most of a second, and a PGlite
 * transaction holds the whole database).
 */
export class SignInService {
  private readonly staff = new StaffRepository();
  private readonly sessions = new SessionRepository();
  private readonly apiTokens = new ApiTokenRepository();
  private readonly throttle = new SignInThrottleRepository();
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
    private readonly policy: AccessPolicy = DEFAULT_ACCESS_POLICY,
  ) {}

  async signIn(request: SignInRequest): Promise<SignedIn> {
    const { login, password } = parseInput(SignInSchema, { login: request.login, password: request.password }, 'sign-in');
    const keys: ThrottleKey[] = [
      { key: `address:${request.address}`, rule: this.policy.addressThrottle, clearOnSuccess: false },
      { key: `login:${login}`, rule: this.policy.loginThrottle, clearOnSuccess: true },
    ];
    const credentials = await this.db.transaction(async (tx) => {
      await this.reserve(tx, keys);
      return this.staff.credentialsByLogin(tx, login);
    });
    const storedHash = credentials && !credentials.disabled ? credentials.passwordHash : null;
    let verified = false;
    if (storedHash) verified = await verifyPassword(password, storedHash);
    // An unknown login costs the same hash as a known one, so timing does not tell which logins exist.
    else await verifyPassword(password, await this.dummy());
    if (!verified || !credentials || !storedHash) {
      await this.db.transaction((tx) => this.settle(tx, keys, false));
      throw new AppError('unauthenticated', 'bad_credentials', 'the login or the password is wrong');
    }
    const upgraded = needsRehash(storedHash, this.policy.passwordParams) ? await hashPassword(password, this.policy.passwordParams) : null;
    return this.db.transaction(async (tx) => {
      await this.settle(tx, keys, true);
      if (upgraded) await this.staff.upgradePasswordHash(tx, credentials.id, storedHash, upgraded);
      return this.openSession(tx, credentials.id, credentials.login);
    });
  }

  /** The caller behind a session token or an API token; unauthenticated when it is not in force. */
  async authenticate(token: string | undefined): Promise<Caller> {
    if (!token) throw new AppError('unauthenticated', 'not_signed_in', 'sign in, or send an API token as "Authorization: Bearer <token>"');
    const now = this.clock.now();
    const hash = tokenHash(token);
    return this.db.transaction(async (tx) => {
      if (isTokenOfKind(token, 'session')) {
        const session = await this.sessions.findActive(tx, hash, now);
        if (!session) throw new AppError('unauthenticated', 'session_ended', 'the session has expired or was revoked: sign in again');
        if (now - session.lastSeenAt >= this.policy.sessionTouchEveryMs) {
          await this.sessions.touch(tx, session.id, now, Math.min(now + this.policy.sessionIdleMs, session.expiresAt));
        }
        return this.callerOf(tx, { kind: 'staff', staffId: session.staffId, login: session.login, sessionId: session.id });
      }
      const apiToken = isTokenOfKind(token, 'apiToken') ? await this.apiTokens.findActive(tx, hash, now) : null;
      if (!apiToken) throw new AppError('unauthenticated', 'token_invalid', 'the token is not valid: it is unknown, expired or revoked');
      if (apiToken.lastUsedAt === null || now - apiToken.lastUsedAt >= this.policy.sessionTouchEveryMs) await this.apiTokens.markUsed(tx, apiToken.id, now);
      return this.callerOf(tx, { kind: 'api_token', staffId: apiToken.staffId, login: apiToken.login, tokenId: apiToken.id });
    });
  }

  /** Ends the session of this token at once; signing out twice, or with an unknown token, does nothing. */
  async signOut(token: string): Promise<void> {
    await this.db.transaction((tx) => this.sessions.revokeByTokenHash(tx, tokenHash(token), this.clock.now(), 'sign_out'));
  }

  private async openSession(tx: SqlExecutor, staffId: string, login: string): Promise<SignedIn> {
    const now = this.clock.now();
    const token = newSecretToken('session');
    const sessionId = newId();
    const expiresAt = now + this.policy.sessionAbsoluteMs;
    const idleExpiresAt = Math.min(now + this.policy.sessionIdleMs, expiresAt);
    await this.sessions.insert(tx, { id: sessionId, tokenHash: tokenHash(token), staffId, createdAt: now, idleExpiresAt, expiresAt });
    const caller = await this.callerOf(tx, { kind: 'staff', staffId, login, sessionId });
    return { token, sessionId, idleExpiresAt, expiresAt, caller };
  }

  private async callerOf(tx: SqlExecutor, identity: Identity & { staffId: string }): Promise<Caller> {
    const { grants, allEstates } = await this.staff.grantsForCaller(tx, identity.staffId);
    return { identity, grants, allEstates };
  }

  /** Counts the attempt on every key (in key order, so concurrent sign-ins lock rows in one order); refuses while one is locked. */
  private async reserve(tx: SqlExecutor, keys: readonly ThrottleKey[]): Promise<void> {
    const now = this.clock.now();
    const reservations = [];
    for (const { key, rule } of sortedByKey(keys)) reservations.push({ key, reservation: reserveAttempt(await this.throttle.lock(tx, key, now), now, rule) });
    const refused = reservations.flatMap(({ reservation }) => (reservation.allowed ? [] : [reservation.retryAfterMs]));
    if (refused.length) {
      const retryAfterS = Math.ceil(Math.max(...refused) / 1000);
      throw new AppError('rate_limited', 'sign_in_locked', `too many failed sign-ins: try again in ${retryAfterS} s`, {
        details: { retry_after_s: retryAfterS },
      });
    }
    for (const { key, reservation } of reservations) await this.throttle.save(tx, key, reservation.next);
  }

  private async settle(tx: SqlExecutor, keys: readonly ThrottleKey[], succeeded: boolean): Promise<void> {
    const now = this.clock.now();
    for (const { key, rule, clearOnSuccess } of sortedByKey(keys)) {
      const state = await this.throttle.lock(tx, key, now);
      await this.throttle.save(tx, key, succeeded ? afterSuccess(state, clearOnSuccess) : afterFailure(state, now, rule));
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(newSecretToken('session'), this.policy.passwordParams);
    return this.dummyHash;
  }
}

function sortedByKey(keys: readonly ThrottleKey[]): ThrottleKey[] {
  return [...keys].sort((a, b) => a.key.localeCompare(b.key));
}
