import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigProblem } from '../../shared/config/load-config.js';
import { MIN_DEVICE_PASSWORD_CHARS, type DeviceCredential, type LocalBrokerConfig } from '../config/local-broker-config.js';

/** A device's password as the gateway holds it: the password itself, or only its scrypt hash. */
export type DeviceSecret = { kind: 'password'; password: string } | { kind: 'hash'; hash: string };

/** How one MQTT device logs in to the embedded local broker, and the one topic it may publish on. */
export interface DeviceLogin {
  deviceId: string;
  clientId: string;
  topic: string;
  secret: DeviceSecret;
}

export interface ResolvedDeviceLogins {
  logins: DeviceLogin[];
  /** MQTT devices that have no credentials, so cannot connect. */
  withoutCredentials: string[];
}

/**
 * The device logins of a gateway config, with password files and environment variables read now,
 * at start, so a missing secret stops the gateway with a ConfigError listing every one (path and
 * reason), not a device that cannot log in later.
 */
export function resolveDeviceLogins(
  config: { local_broker: LocalBrokerConfig; devices: ReadonlyArray<{ id: string; mqtt?: { topic: string } | undefined }> },
  source: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedDeviceLogins {
  if (!config.local_broker.embedded) return { logins: [], withoutCredentials: [] };
  const credentials = config.local_broker.device_credentials;
  const problems: ConfigProblem[] = [];
  const logins: DeviceLogin[] = [];
  const withoutCredentials: string[] = [];
  for (const device of config.devices) {
    if (!device.mqtt) continue;
    const credential = credentials[device.id];
    if (!credential) {
      withoutCredentials.push(device.id);
      continue;
    }
    const path = `local_broker.device_credentials.${device.id}`;
    const secret = secretOf(credential, path, env, problems);
    if (secret) logins.push({ deviceId: device.id, clientId: credential.client_id ?? device.id, topic: device.mqtt.topic, secret });
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { logins, withoutCredentials };
}

function secretOf(credential: DeviceCredential, path: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): DeviceSecret | null {
  if (credential.password !== undefined) return { kind: 'password', password: credential.password };
  if (credential.password_hash !== undefined) return { kind: 'hash', hash: credential.password_hash };
  let password: string | undefined;
  let where: string;
  if (credential.password_file !== undefined) {
    where = `${path}.password_file`;
    try {
      // One trailing newline, as `echo secret > file` leaves it, is not part of the password.
      password = readFileSync(credential.password_file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push({ path: where, message: `cannot read ${credential.password_file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      return null;
    }
  } else {
    where = `${path}.password_env`;
    password = env[credential.password_env ?? ''];
    if (password === undefined) {
      problems.push({ path: where, message: `environment variable ${credential.password_env} is not set` });
      return null;
    }
  }
  if (password.length < MIN_DEVICE_PASSWORD_CHARS) {
    problems.push({ path: where, message: `the password must be at least ${MIN_DEVICE_PASSWORD_CHARS} characters` });
    return null;
  }
  return { kind: 'password', password };
}
