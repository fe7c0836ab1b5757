import { text } from 'node:stream/consumers';
import { generatedPassword } from '../../../../cloud/access/generated-password.js';

/**
 * The password for an account: read from standard input with --password-stdin (one line; never
 * an argument, which other users see in the process list and shell history), or generated.
 */
export async function passwordInput(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: (await text(process.stdin)).replace(/\r?\n$/, ''), generated: false };
  return { password: generatedPassword(), generated: true };
}
