import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the system CSPRNG: beyond guessing, so a fast hash is enough to store it. */
const TOKEN_BYTES = 32;

/** What kind of secret a token is, told by its prefix (and by secret scanners that look for it). */
export const TOKEN_PREFIX = { session: 'ecs_', apiToken: 'ect_' } as const;
export type TokenKind = keyof typeof TOKEN_PREFIX;

/** A new opaque bearer secret: prefix + base64url of 32 random bytes. Shown once, stored only hashed. */
export function newSecretToken(kind: TokenKind): string {
  return TOKEN_PREFIX[kind] + randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * SHA-256 of the token, hex: what the database keeps and is searched by. A stolen database row
 * does not give the token back; a 256-bit random token needs no salt or slow hash (nothing to
 * guess), and the lookup by hash leaks no timing about the token itself.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isTokenOfKind(token: string, kind: TokenKind): boolean {
  return token.startsWith(TOKEN_PREFIX[kind]);
}
