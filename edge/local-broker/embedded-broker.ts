import type { Client } from 'aedes';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import { AedesServer } from '../../shared/mqtt-broker/aedes-server.js';
import {
  CONNACK_BAD_USERNAME_OR_PASSWORD,
  CONNACK_IDENTIFIER_REJECTED,
  CONNACK_NOT_AUTHORIZED,
  refuseConnect,
} from '../../shared/mqtt-broker/connect-refusal.js';
import { maxPacketBytesFor } from '../../shared/mqtt-broker/packet-size-limit.js';
import { MAX_DEVICE_PAYLOAD_BYTES } from '../drivers/mqtt/payload-mapper.js';
import { DeviceAccess } from './device-access.js';
import type { DeviceLogin } from './device-logins.js';

/**
 * The largest MQTT packet the local broker takes: the largest device payload the MQTT driver reads
 * (64 KiB, MAX_DEVICE_PAYLOAD_BYTES; device messages are a few hundred bytes) and the room for its
 * header and topic: 67,584 bytes.
 */
export const LOCAL_MAX_PACKET_BYTES = maxPacketBytesFor(MAX_DEVICE_PAYLOAD_BYTES);

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);
/** MQTT topics under $SYS are the broker's own [MQTT-4.7.2-1]; no client may publish there. */
const SYS_PREFIX = '$SYS';

/**
 * Takes a device's message in before the broker acknowledges it: the PUBACK of a QoS 1 publish is
 * sent only once the returned promise resolves. A rejection refuses the message: aedes closes the
 * device's connection without a PUBACK, and the device sends it again after reconnecting.
 */
export type PublishIntake = (topic: string, payload: Buffer) => Promise<void>;

/** Where a driver plugs its intake into the embedded broker. */
export interface DeviceIntakeHost {
  setIntake(intake: PublishIntake | null): void;
}

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** The devices that may log in; nobody else is admitted (device-access.ts). */
  devices: readonly DeviceLogin[];
}

/**
 * The gateway's local MQTT broker (aedes, in process) that estate devices publish into. It holds
 * messages in memory only (aedes #491): what must survive is the outbox, not this broker. Each
 * device logs in with its own credentials and publishes only on its own topic; no client may
 * subscribe; packets over LOCAL_MAX_PACKET_BYTES close the connection. It listens on the address
 * given: loopback by default, the devices' VLAN address on a box whose devices use the LAN.
 *
 * A device's QoS 1 publish is acknowledged only after the intake (the MQTT driver) has put what it
 * means into the outbox. aedes 1.x writes the PUBACK before it hands the message to subscribers, so
 * a subscriber cannot hold it back; authorizePublish runs before the PUBACK and can. Without an
 * intake, a device's publishes are acknowledged as aedes does by default.
 */
export class EmbeddedBroker implements Component, DeviceIntakeHost {
  readonly name = 'local-broker';
  private intake: PublishIntake | null = null;
  private server: AedesServer | null = null;
  private boundPort = 0;

  constructor(
    private readonly options: EmbeddedBrokerOptions,
    private readonly logger: Logger,
  ) {}

  /** mqtt://host:port; once listening, with the port actually bound (port 0 asks the OS for one). */
  get url(): string {
    // A wildcard bind address (all interfaces) is reached over loopback from inside the gateway.
    const host = WILDCARD_HOSTS.has(this.options.host) ? '127.0.0.1' : this.options.host;
    return `mqtt://${host}:${this.boundPort || this.options.port}`;
  }

  setIntake(intake: PublishIntake | null): void {
    this.intake = intake;
  }

  async start(): Promise<void> {
    const access = new DeviceAccess(this.options.devices);
    const logins = new WeakMap<Client, DeviceLogin>();
    const { host, port } = this.options;
    const server = await AedesServer.start(
      {
        authenticate: (client, username, password, done) => {
          if (username === undefined) {
            this.logger.warn({ client: client.id }, 'anonymous device refused');
            return done(refuseConnect('a username and password are required', CONNACK_NOT_AUTHORIZED), false);
          }
          access.authenticate(username, password?.toString('utf8')).then(
            (login) => {
              if (!login) {
                this.logger.warn({ username, client: client.id }, 'device login refused: bad username or password');
                return done(refuseConnect('bad username or password', CONNACK_BAD_USERNAME_OR_PASSWORD), false);
              }
              if (!DeviceAccess.mayUseClientId(login, client.id)) {
                this.logger.warn({ device: login.deviceId, client: client.id, expected: login.clientId }, 'device login refused: client id not its own');
                return done(refuseConnect(`device ${login.deviceId} connects as client id ${login.clientId}`, CONNACK_IDENTIFIER_REJECTED), false);
              }
              logins.set(client, login);
              done(null, true);
            },
            (error: unknown) => {
              this.logger.error({ err: error, username }, 'checking a device password failed');
              done(refuseConnect('authentication unavailable', CONNACK_NOT_AUTHORIZED), false);
            },
          );
        },
        authorizePublish: (client, packet, callback) => {
          if (packet.topic.startsWith(SYS_PREFIX)) return callback(new Error(`${SYS_PREFIX} topics are reserved`));
          // client is null for what the broker publishes itself: no device waits on it.
          if (!client) return callback(null);
          const login = logins.get(client);
          if (!login || !DeviceAccess.mayPublish(login, packet.topic)) {
            this.logger.warn({ device: login?.deviceId, topic: packet.topic }, "publish refused: not the device's own topic");
            return callback(new Error(`not allowed to publish to ${packet.topic}`));
          }
          const intake = this.intake;
          if (!intake) return callback(null);
          intake(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)).then(
            () => callback(null),
            (error: unknown) => {
              this.logger.warn({ device: login.deviceId, topic: packet.topic, err: error }, 'device message not taken in; the device will send it again');
              callback(error as Error);
            },
          );
        },
        // A SUBACK failure (0x80) [MQTT-3.9.3]: devices only send; the gateway reads in process.
        authorizeSubscribe: (client, subscription, callback) => {
          this.logger.warn({ device: logins.get(client)?.deviceId, topic: subscription.topic }, 'subscription refused: devices may not subscribe');
          callback(null, null);
        },
      },
      { host, port, maxPacketBytes: LOCAL_MAX_PACKET_BYTES, logger: this.logger },
    );
    this.server = server;
    this.boundPort = server.port;
    if (WILDCARD_HOSTS.has(host)) {
      this.logger.warn({ host }, "local broker listens on every interface; give local_broker.host the box's address on the devices' network");
    }
    this.logger.info({ url: this.url, devices: this.options.devices.length }, 'local broker listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }
}
