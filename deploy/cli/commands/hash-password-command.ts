import { text } from 'node:stream/consumers';
import { MIN_DEVICE_PASSWORD_CHARS } from '../../../edge/config/local-broker-config.js';
import { hashPassword } from '../../../shared/security/password-hash.js';
import { UsageError } from '../cli-error.js';
import type { ParsedArgs } from '../command-spec.js';

/**
 * estatecare hash-password < secret: prints the scrypt hash of the password read from standard
 * input (one trailing newline dropped), for a device's password_hash in the gateway config. The
 * password never appears on the command line, where other users of the box could read it.
 */
export async function runHashPasswordCommand(
  _args: ParsedArgs,
  input: NodeJS.ReadableStream = process.stdin,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Promise<void> {
  const password = (await text(input)).replace(/\r?\n$/, '');
  if (password.length < MIN_DEVICE_PASSWORD_CHARS) {
    throw new UsageError(`hash-password reads the password from standard input; it must be at least ${MIN_DEVICE_PASSWORD_CHARS} characters`);
  }
  write(`${await hashPassword(password)}\n`);
}
