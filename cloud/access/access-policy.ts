import { STAFF_PASSWORD_PARAMS, type ScryptParams } from './password-hash.js';
import type { ThrottleRule } from './sign-in-throttle.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The numbers of sign-in, lockout and sessions; README.md in this folder states them for users. */
export interface AccessPolicy {
  passwordParams: ScryptParams;
  /** Failed sign-ins of one login that lock it, counted over lockoutMs-long windows. */
  loginThrottle: ThrottleRule;
  /** Failed sign-ins from one client address (any login): stops one address trying many logins. */
  addressThrottle: ThrottleRule;
  /** A session unused this long ends (OWASP Session Management Cheat Sheet: 15-30 min for sensitive data). */
  sessionIdleMs: number;
  /** A session ends this long after sign-in however much it is used: one working shift. */
  sessionAbsoluteMs: number;
  /** A session's idle expiry is moved on at most this often, so every request does not write. */
  sessionTouchEveryMs: number;
  /** An API token issued without an expiry of its own ends after this. */
  apiTokenDefaultTtlMs: number;
}

export const DEFAULT_ACCESS_POLICY: AccessPolicy = {
  passwordParams: STAFF_PASSWORD_PARAMS,
  loginThrottle: { limit: 5, windowMs: 15 * MINUTE_MS, lockoutMs: 15 * MINUTE_MS },
  addressThrottle: { limit: 20, windowMs: 15 * MINUTE_MS, lockoutMs: 15 * MINUTE_MS },
  sessionIdleMs: 30 * MINUTE_MS,
  sessionAbsoluteMs: 12 * HOUR_MS,
  sessionTouchEveryMs: MINUTE_MS,
  apiTokenDefaultTtlMs: 90 * DAY_MS,
};
