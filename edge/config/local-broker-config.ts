import { z } from 'zod';
import { LocalIdSchema } from '../../shared/contract/index.js';
import { isPasswordHash } from '../../shared/security/password-hash.js';
import { MqttUrlSchema } from './mqtt-url-schema.js';

/** Port of the embedded local broker: beside the cloud's 18830 and away from Mosquitto's 1883. */
export const DEFAULT_LOCAL_BROKER_PORT = 18831;
/** Loopback: only the box itself reaches the broker until the operator names the devices' network. */
export const DEFAULT_LOCAL_BROKER_HOST = '127.0.0.1';

/** Shortest device password taken, however it is given. */
export const MIN_DEVICE_PASSWORD_CHARS = 8;

/** The four ways to give a device's password; a credential names exactly one. */
export const PASSWORD_SOURCES = ['password', 'password_hash', 'password_file', 'password_env'] as const;

/**
 * How one MQTT device logs in to the embedded local broker. Its username is its device id; its
 * client id is its device id unless the device's firmware fixes another. The password is given
 * once, one of four ways: in the file (password), as a scrypt hash (password_hash, printed by
 * `estatecare hash-password`), in a file of its own (password_file, read at start, trailing newline
 * dropped) or in an environment variable (password_env).
 */
export const DeviceCredentialSchema = z
  .strictObject({
    password: z.string().min(MIN_DEVICE_PASSWORD_CHARS, `at least ${MIN_DEVICE_PASSWORD_CHARS} characters`).optional(),
    password_hash: z.string().refine(isPasswordHash, 'not a password hash: run `estatecare hash-password` and paste what it prints').optional(),
    password_file: z.string().min(1).optional(),
    password_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    /** MQTT client ids are 1-23 characters in MQTT 3.1.1 [MQTT-3.1.3-5]; longer ones are accepted by most brokers, aedes included. */
    client_id: z.string().min(1).max(256).optional(),
  })
  .superRefine((credential, ctx) => {
    const given = PASSWORD_SOURCES.filter((source) => credential[source] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `give exactly one of ${PASSWORD_SOURCES.join(', ')}${given.length ? ` (found ${given.join(', ')})` : ''}` });
    }
  });
export type DeviceCredential = z.infer<typeof DeviceCredentialSchema>;

export const EmbeddedLocalBrokerSchema = z.object({
  embedded: z.literal(true),
  /**
   * Where devices reach the broker: loopback by default. A box whose devices publish over the
   * estate LAN names its address on the devices' VLAN, never an uplink-facing one.
   */
  host: z.string().min(1).default(DEFAULT_LOCAL_BROKER_HOST),
  /** 0 asks the OS for a free port (tests); the gateway reports the bound one. */
  port: z.number().int().min(0).max(65535).default(DEFAULT_LOCAL_BROKER_PORT),
  /**
   * Device id -> how that MQTT device logs in. No anonymous client is ever admitted: a device
   * without credentials here cannot connect. A device publishes only on its own mqtt.topic and no
   * device may subscribe; only the gateway's own driver reads what devices send.
   */
  device_credentials: z.record(LocalIdSchema, DeviceCredentialSchema).default({}),
});

/** A broker already on the box (e.g. Mosquitto): its own password file and ACL apply. */
export const ExternalLocalBrokerSchema = z.object({
  embedded: z.literal(false),
  url: MqttUrlSchema,
  device_credentials: z.undefined({ error: "apply to the embedded broker only; an external broker checks devices with its own password file and ACL" }).optional(),
});

export const LocalBrokerSchema = z
  .discriminatedUnion('embedded', [EmbeddedLocalBrokerSchema, ExternalLocalBrokerSchema])
  .default({ embedded: true, host: DEFAULT_LOCAL_BROKER_HOST, port: DEFAULT_LOCAL_BROKER_PORT, device_credentials: {} });
export type LocalBrokerConfig = z.output<typeof LocalBrokerSchema>;

/**
 * Cross-checks of the credentials against the device list: each names an MQTT device, and no two
 * devices share a client id (the broker binds each client id to one login).
 */
export function checkDeviceCredentials(
  localBroker: LocalBrokerConfig,
  devices: ReadonlyArray<{ id: string; mqtt?: { topic: string } | undefined }>,
  ctx: z.RefinementCtx,
): void {
  if (!localBroker.embedded) return;
  const mqttDevices = new Set(devices.filter((device) => device.mqtt).map((device) => device.id));
  const clientIds = new Map<string, string>();
  for (const [deviceId, credential] of Object.entries(localBroker.device_credentials)) {
    const path = ['local_broker', 'device_credentials', deviceId];
    if (!mqttDevices.has(deviceId)) ctx.addIssue({ code: 'custom', path, message: `no device "${deviceId}" with an mqtt section in devices` });
    const clientId = credential.client_id ?? deviceId;
    const holder = clientIds.get(clientId);
    if (holder !== undefined) ctx.addIssue({ code: 'custom', path: [...path, 'client_id'], message: `client id "${clientId}" is also device ${holder}'s` });
    clientIds.set(clientId, deviceId);
  }
}
