import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ConcurrencyLimit } from '../platform/concurrency-limit.js';

/** scrypt cost parameters (RFC 7914 section 2): N CPU/memory cost, r block size, p parallelism. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * Staff passwords: N = 2^17, r = 8, p = 1, the OWASP Password Storage Cheat Sheet's scrypt minimum;
 * 128 * N * r = 128 MiB per hash, about 0.8 s on a busy 2-core machine. Raising them later is safe:
 * each stored hash names its own parameters, and a sign-in rehashes a weaker one.
 */
export const STAFF_PASSWORD_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on parameters read back from a stored hash, so a damaged row cannot demand gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
/** Hashes computed at once; the rest queue (each holds 128 * N * r bytes while it runs). */
const CONCURRENT_HASHES = 2;
const hashing = new ConcurrencyLimit(CONCURRENT_HASHES);

/** scrypt needs 128 * N * r bytes (RFC 7914 section 5); Node refuses above maxmem, 32 MiB by default (nodejs/node#21524). */
function memoryFor(params: ScryptParams): number {
  return 2 * 128 * params.N * params.r;
}

function derive(password: string, salt: Buffer, keyBytes: number, params: ScryptParams): Promise<Buffer> {
  return hashing.run(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password, salt, keyBytes, { ...params, maxmem: memoryFor(params) }, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/** A stored hash taken apart: "scrypt$N$r$p$salt$key", salt and key in base64. */
export interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

export function parsePasswordHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return null;
  // N must be a power of two greater than 1 (RFC 7914 section 2).
  if (N < 2 || (N & (N - 1)) !== 0 || N > MAX_N || r > MAX_R || p > MAX_P) return null;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length === 0 || key.length === 0) return null;
  return { params: { N, r, p }, salt, key };
}

/** A salted scrypt hash that carries its parameters, so they can be raised later without a migration. */
export async function hashPassword(password: string, params: ScryptParams = STAFF_PASSWORD_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison of the derived key; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(actual, parsed.key);
}

/** True when the stored hash is weaker than params in any parameter (or unreadable): rehash it at the next sign-in. */
export function needsRehash(stored: string, params: ScryptParams = STAFF_PASSWORD_PARAMS): boolean {
  const parsed = parsePasswordHash(stored);
  return !parsed || parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p || parsed.key.length < KEY_BYTES;
}
