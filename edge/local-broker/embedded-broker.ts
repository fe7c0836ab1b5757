import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';

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

/**
 * The gateway's local MQTT broker (aedes, in process) that estate devices publish into. It holds
 * messages in memory only (aedes #491): what must survive is the outbox, not this broker. Anonymous,
 * bound to the address given (loopback by default); a box that exposes it to the estate LAN puts it
 * on the devices' VLAN.
 *
 * A device's QoS 1 publish is acknowledged only after the intake (the MQTT driver) has put what it
 * means into the outbox. aedes 1.x writes the PUBACK before it hands the message to subscribers, so
 * a subscriber cannot hold it back; authorizePublish runs before the PUBACK and can. Without an
 * intake, publishes are acknowledged as aedes does by default.
 */
export class EmbeddedBroker implements Component, DeviceIntakeHost {
  readonly name = 'local-broker';
  private broker: Aedes | null = null;
  private intake: PublishIntake | null = null;
  private server: Server | null = null;
  private boundPort = 0;

  constructor(
    private readonly options: { host: string; port: number },
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
    const broker = new Aedes({
      authorizePublish: (client, packet, callback) => {
        if (packet.topic.startsWith(SYS_PREFIX)) return callback(new Error(`${SYS_PREFIX} topics are reserved`));
        const intake = this.intake;
        // client is null for what the broker publishes itself (a last will): no device waits on it.
        if (!client || !intake) return callback(null);
        intake(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)).then(
          () => callback(null),
          (error: unknown) => {
            this.logger.warn({ client: client.id, topic: packet.topic, err: error }, 'device message not taken in; the device will send it again');
            callback(error as Error);
          },
        );
      },
    });
    await broker.listen();
    this.broker = broker;
    broker.on('clientError', (client, error) => this.logger.debug({ client: client.id, err: error }, 'local client error'));
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.logger.info({ url: this.url }, 'local broker listening');
  }

  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = null;
    this.server = null;
    // aedes closes its clients' sockets; then the server has no connections left and closes at once.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
