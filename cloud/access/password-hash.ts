import * as scryptHash from '../../shared/security/password-hash.js';
import type { ScryptParams } from '../../shared/security/password-hash.js';

export { parsePasswordHash, verifyPassword, type ParsedHash, type ScryptParams } from '../../shared/security/password-hash.js';

/**
 * Staff passwords: N = 2^17, r = 8, p = 1, the OWASP Password Storage Cheat Sheet's scrypt minimum;
 * 128 * N * r = 128 MiB per hash, about 0.8 s on a busy 2-core machine. Raising them later is safe:
 * each stored hash names its own parameters, and a sign-in rehashes a weaker one.
 */
export const STAFF_PASSWORD_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** A staff password's hash (shared/security/password-hash.ts), at STAFF_PASSWORD_PARAMS unless told otherwise. */
export function hashPassword(password: string, params: ScryptParams = STAFF_PASSWORD_PARAMS): Promise<string> {
  return scryptHash.hashPassword(password, params);
}

/** Whether a stored hash is weaker than the staff parameters (or params): rehash it at the next sign-in. */
export function needsRehash(stored: string, params: ScryptParams = STAFF_PASSWORD_PARAMS): boolean {
  return scryptHash.needsRehash(stored, params);
}
