import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/**
 * The gateway's local MQTT broker (aedes, in process) that estate devices publish into. It holds
 * messages in memory only (aedes #491): what must survive is the outbox, not this broker. Anonymous,
 * bound to the address given (loopback by default); a box that exposes it to the estate LAN puts it
 * on the devices' VLAN.
 */
export class EmbeddedBroker implements Component {
  readonly name = 'local-broker';
  private broker: Aedes | null = null;
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

  async start(): Promise<void> {
    const broker = new Aedes();
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
