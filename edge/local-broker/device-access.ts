import { createHash, timingSafeEqual } from 'node:crypto';
import { verifyPassword } from '../../shared/security/password-hash.js';
import { secretEquals } from '../../shared/security/secret-equals.js';
import type { DeviceLogin } from './device-logins.js';

/**
 * Who may do what on the gateway's embedded local broker:
 * - a device logs in with its device id as username and its own password, under its own client id
 *   (so no device can take over another's connection, MQTT-3.1.4-2);
 * - it publishes only on its own topic (its mqtt.topic in the gateway config);
 * - nobody subscribes: devices send, and only the gateway's own MQTT driver, in process, reads.
 * Anonymous clients and devices without credentials are never admitted.
 */
export class DeviceAccess {
  private readonly byDevice: ReadonlyMap<string, DeviceLogin>;
  /**
   * sha256 of the last password that matched a device's hash. A scrypt check costs about 50 ms and
   * 16 MiB (shared/security/password-hash.ts); a device reconnecting with the same password skips it.
   */
  private readonly verified = new Map<string, Buffer>();

  constructor(logins: readonly DeviceLogin[]) {
    this.byDevice = new Map(logins.map((login) => [login.deviceId, login]));
  }

  /** The login of the device named by username, when the password is its; null otherwise. */
  async authenticate(username: string | undefined, password: string | undefined): Promise<DeviceLogin | null> {
    const login = username === undefined ? undefined : this.byDevice.get(username);
    if (!login || password === undefined) return null;
    const { secret } = login;
    if (secret.kind === 'password') return secretEquals(password, secret.password) ? login : null;
    const digest = createHash('sha256').update(password, 'utf8').digest();
    const known = this.verified.get(login.deviceId);
    if (known && timingSafeEqual(known, digest)) return login;
    if (!(await verifyPassword(password, secret.hash))) return null;
    this.verified.set(login.deviceId, digest);
    return login;
  }

  static mayUseClientId(login: DeviceLogin, clientId: string): boolean {
    return clientId === login.clientId;
  }

  static mayPublish(login: DeviceLogin, topic: string): boolean {
    return topic === login.topic;
  }
}
