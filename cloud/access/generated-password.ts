import { randomBytes } from 'node:crypto';

/** 18 random bytes: 24 base64url characters, 144 bits. */
const GENERATED_PASSWORD_BYTES = 18;

/**
 * A password made for someone by an administrator (a new account, a reset), shown once and handed
 * over privately: random from the system CSPRNG, within the length rules of staff-schemas.ts.
 */
export function generatedPassword(): string {
  return randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
}
