import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import type { Logger } from '../log/logger.js';
import { limitPacketSize } from './packet-size-limit.js';

export interface AedesServerOptions {
  host: string;
  /** 0 asks the OS for a free port; `port` tells the one bound. */
  port: number;
  /** Connections are closed at their first packet larger than this (packet-size-limit.ts). */
  maxPacketBytes: number;
  logger: Logger;
}

/** An aedes broker in process, served over TCP, every connection held to the packet size limit. */
export class AedesServer {
  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(handlers: AedesOptions, options: AedesServerOptions): Promise<AedesServer> {
    const { host, port, maxPacketBytes, logger } = options;
    const broker = new Aedes(handlers);
    await broker.listen();
    broker.on('clientError', (client, error) => logger.debug({ client: client.id, err: error }, 'mqtt client error'));
    const server = createServer((socket) => {
      const remote = socket.remoteAddress;
      broker.handle(
        limitPacketSize(socket, maxPacketBytes, (packetBytes) =>
          logger.warn({ remote, packet_bytes: packetBytes, limit_bytes: maxPacketBytes }, 'connection closed: MQTT packet over the size limit'),
        ),
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw error;
    }
    return new AedesServer(broker, server, (server.address() as AddressInfo).port);
  }

  /** aedes closes its clients' sockets first; then the server has no connections left and closes at once. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
