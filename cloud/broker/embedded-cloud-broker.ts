import { randomBytes } from 'node:crypto';
import type { Client } from 'aedes';
import { MAX_MESSAGE_BYTES } from '../../shared/contract/index.js';
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
import { secretEquals } from '../../shared/security/secret-equals.js';
import { mayPublish, maySubscribe, mayUseClientId, type BrokerPrincipal } from './broker-access.js';

/**
 * The largest MQTT packet the cloud broker takes: the wire contract's largest payload (256 KiB,
 * MAX_MESSAGE_BYTES) and the room for its header and topic: 264,192 bytes. deploy/mosquitto's
 * max_packet_size says the same.
 */
export const CLOUD_MAX_PACKET_BYTES = maxPacketBytesFor(MAX_MESSAGE_BYTES);

/** Username of the cloud's own connection to its embedded broker. */
export const SERVICE_USERNAME = 'estatecare-cloud';

/** The check of a gateway's password at CONNECT (the registry's: cloud/registry/gateway-login-check.ts). */
export interface GatewayCredentials {
  verifyGatewayPassword(gatewayId: string, password: string): Promise<boolean>;
}

/**
 * The embedded default of the cloud broker: aedes in process. Gateways log in with their id and the
 * password the registry holds for them (checked at every CONNECT), under their own client id;
 * publish and subscribe rights follow broker-access.ts, and packets over CLOUD_MAX_PACKET_BYTES
 * close the connection. The cloud's own ingest logs in with a service password made fresh at every
 * start and never written anywhere.
 */
export class EmbeddedCloudBroker implements Component {
  readonly name = 'cloud-broker';
  readonly servicePassword = randomBytes(24).toString('base64url');
  private server: AedesServer | null = null;
  private boundPort = 0;

  constructor(
    private readonly options: { host: string; port: number },
    private readonly credentials: GatewayCredentials,
    private readonly logger: Logger,
  ) {}

  get url(): string {
    return `mqtt://${this.options.host}:${this.boundPort || this.options.port}`;
  }

  async start(): Promise<void> {
    const principals = new WeakMap<Client, BrokerPrincipal>();
    this.server = await AedesServer.start(
      {
        authenticate: (client, username, password, done) => {
          this.authenticate(username, password?.toString('utf8')).then(
            (principal) => {
              if (!principal) return done(refuseConnect('bad username or password', CONNACK_BAD_USERNAME_OR_PASSWORD), false);
              if (!mayUseClientId(principal, client.id)) {
                this.logger.warn({ username, client: client.id }, 'connection refused: client id not bound to this login');
                return done(refuseConnect(`client id ${client.id} does not belong to ${username}`, CONNACK_IDENTIFIER_REJECTED), false);
              }
              principals.set(client, principal);
              done(null, true);
            },
            (error: unknown) => {
              this.logger.error({ err: error }, 'gateway authentication failed with an error');
              done(refuseConnect('authentication unavailable', CONNACK_NOT_AUTHORIZED), false);
            },
          );
        },
        authorizePublish: (client, packet, callback) => {
          const principal = client ? principals.get(client) : undefined;
          if (principal && mayPublish(principal, packet.topic)) return callback(null);
          this.logger.warn({ client: client?.id, topic: packet.topic }, 'publish refused by broker access rules');
          callback(new Error(`not allowed to publish to ${packet.topic}`));
        },
        // A forbidden subscription gets a SUBACK failure (0x80) [MQTT-3.9.3]; the connection stays.
        authorizeSubscribe: (client, subscription, callback) => {
          const principal = principals.get(client);
          if (principal && maySubscribe(principal, subscription.topic)) return callback(null, subscription);
          this.logger.warn({ client: client.id, topic: subscription.topic }, 'subscription refused by broker access rules');
          callback(null, null);
        },
      },
      { ...this.options, maxPacketBytes: CLOUD_MAX_PACKET_BYTES, logger: this.logger },
    );
    this.boundPort = this.server.port;
    this.logger.info({ url: this.url }, 'embedded cloud broker listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  private async authenticate(username: string | undefined, password: string | undefined): Promise<BrokerPrincipal | null> {
    if (!username || password === undefined) return null;
    if (username === SERVICE_USERNAME) {
      return secretEquals(password, this.servicePassword) ? { kind: 'service' } : null;
    }
    return (await this.credentials.verifyGatewayPassword(username, password)) ? { kind: 'gateway', gatewayId: username } : null;
  }
}
