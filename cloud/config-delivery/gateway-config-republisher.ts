import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { CloudMqttConnection } from '../platform/cloud-mqtt-connection.js';
import type { GatewayConfigService } from './gateway-config-service.js';

/**
 * Publishes every gateway's newest config again at start and after each reconnect to the cloud
 * broker: a broker may have lost its retained messages meanwhile (the embedded one keeps none across
 * a restart), and a config stored while the broker was away has not been sent yet.
 */
export class GatewayConfigRepublisher implements Component {
  readonly name = 'gateway-config-republisher';
  private stopListening: () => void = () => {};

  constructor(
    private readonly configs: Pick<GatewayConfigService, 'republishAll'>,
    private readonly connection: Pick<CloudMqttConnection, 'onReconnect'>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.configs.republishAll();
    // The database may be away when the broker comes back: the next reconnect tries again.
    this.stopListening = this.connection.onReconnect(() =>
      void this.configs.republishAll().catch((error: unknown) => this.logger.warn({ err: error }, 'configs not republished after a reconnect')),
    );
  }

  async stop(): Promise<void> {
    this.stopListening();
    this.stopListening = () => {};
  }
}
