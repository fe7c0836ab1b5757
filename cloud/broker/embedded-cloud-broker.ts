import { createServer, type Server } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import { mayPublish, maySubscribe, type BrokerPrincipal } from './broker-access.js';

/** Username of the cloud's own connection to its embedded broker. */
export const SERVICE_USERNAME = 'estatecare-cloud';

/** aedes AuthErrorCode.BAD_USERNAME_OR_PASSWORD (MQTT 3.1.1 CONNACK return code 4). */
const BAD_USERNAME_OR_PASSWORD = 4;
/** aedes AuthErrorCode.NOT_AUTHORIZED (CONNACK return code 5). */
const NOT_AUTHORIZED = 5;

export interface GatewayCredentials {
  verifyGatewayPassword(gatewayId: string, password: string): Promise<boolean>;
}

/**
 * The embedded default of the cloud broker: aedes in process. Gateways log in with their id and the
 * password registered for them; publish and subscribe rights follow broker-access.ts. The cloud's own
 * ingest logs in with a service password made fresh at every start and never written anywhere.
 */
export class EmbeddedCloudBroker implements Component {
  readonly name = 'cloud-broker';
  readonly servicePassword = randomBytes(24).toString('base64url');
  private broker: Aedes | null = null;
  private server: Server | null = null;
  private boundPort = 0;

  constructor(
    private readonly options: { host: string; port: number },
    private readonly credentials: GatewayCredentials,
    private readonly logger: Logger,
  ) {}

  get url(): string {
    return `mqtt://${this.options.host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const principals = new WeakMap<Client, BrokerPrincipal>();
    const broker = new Aedes({
      authenticate: (client, username, password, done) => {
        this.authenticate(username, password?.toString('utf8')).then(
          (principal) => {
            if (!principal) return done(authError('bad username or password', BAD_USERNAME_OR_PASSWORD), false);
            principals.set(client, principal);
            done(null, true);
          },
          (error: unknown) => {
            this.logger.error({ err: error }, 'gateway authentication failed with an error');
            done(authError('authentication unavailable', NOT_AUTHORIZED), false);
          },
        );
      },
      authorizePublish: (client, packet, callback) => {
        const principal = client ? principals.get(client) : undefined;
        if (principal && mayPublish(principal, packet.topic)) return callback(null);
        this.logger.warn({ client: client?.id, topic: packet.topic }, 'publish refused by broker access rules');
        callback(new Error(`not allowed to publish to ${packet.topic}`));
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const principal = principals.get(client);
        if (principal && maySubscribe(principal, subscription.topic)) return callback(null, subscription);
        this.logger.warn({ client: client.id, topic: subscription.topic }, 'subscription refused by broker access rules');
        callback(new Error(`not allowed to subscribe to ${subscription.topic}`));
      },
    });
    await broker.listen();
    this.broker = broker;
    const server = createServer(broker.handle);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.options.port;
    this.logger.info({ url: this.url }, 'embedded cloud broker listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    const broker = this.broker;
    this.server = null;
    this.broker = null;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async authenticate(username: string | undefined, password: string | undefined): Promise<BrokerPrincipal | null> {
    if (!username || password === undefined) return null;
    if (username === SERVICE_USERNAME) {
      return constantTimeEquals(password, this.servicePassword) ? { kind: 'service' } : null;
    }
    return (await this.credentials.verifyGatewayPassword(username, password)) ? { kind: 'gateway', gatewayId: username } : null;
  }
}

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
