import { pbkdf2, randomBytes } from 'node:crypto';

/**
 * Mosquitto 2's password-file hash as mosquitto_passwd writes it by default (-H sha512-pbkdf2):
 * "$7$<iterations>$<base64 salt>$<base64 hash>", PBKDF2-HMAC-SHA512 (RFC 8018 section 5.2) of the
 * password with a 12-byte salt into a 64-byte key. tests/brokers/ compares the form with what
 * mosquitto_passwd writes and has Mosquitto admit it.
 */
const SALT_BYTES = 12;
const KEY_BYTES = 64;
/**
 * mosquitto_passwd 2.0's own count. Mosquitto checks the hash on its one thread at every CONNECT;
 * the passwords the registry issues carry 192 random bits, beyond guessing at any count, so more
 * iterations would slow every connect and protect nothing.
 */
export const MOSQUITTO_PBKDF2_ITERATIONS = 101;

/** The hash of the password for a Mosquitto password file (the part after "username:"). */
export function mosquittoPasswordHash(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, MOSQUITTO_PBKDF2_ITERATIONS, KEY_BYTES, 'sha512', (error, key) =>
      error ? reject(error) : resolve(`$7$${MOSQUITTO_PBKDF2_ITERATIONS}$${salt.toString('base64')}$${key.toString('base64')}`),
    ),
  );
}

export interface MosquittoAccount {
  username: string;
  /** A hash from mosquittoPasswordHash. */
  hash: string;
}

/**
 * A Mosquitto password file: one "username:hash" line per account. No comment lines: mosquitto_passwd
 * 2.0 calls a file with one corrupt.
 */
export function mosquittoPasswordFile(accounts: readonly MosquittoAccount[]): string {
  for (const { username } of accounts) {
    if (username.includes(':') || /[\r\n]/.test(username)) throw new Error(`a Mosquitto username cannot hold ":" or a line break: ${JSON.stringify(username)}`);
  }
  return accounts.map(({ username, hash }) => `${username}:${hash}\n`).join('');
}
