import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';

/** 18 random bytes: 24 base64url characters, 144 bits. */
const GENERATED_PASSWORD_BYTES = 18;

/**
 * The password for an account: read from standard input with --password-stdin (one line; never
 * an argument, which other users see in the process list and shell history), or generated.
 */
export async function passwordInput(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: (await text(process.stdin)).replace(/\r?\n$/, ''), generated: false };
  return { password: randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url'), generated: true };
}
