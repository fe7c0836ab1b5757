import { topicFor, type RulesConfig } from '../../shared/contract/index.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import { AppError, notFound } from '../platform/app-error.js';
import { configMessageOf } from './config-message.js';
import type { GatewayConfigRepository, StoredGatewayConfig } from './gateway-config-repository.js';

/** Publishes a retained QoS 1 message on the cloud broker; resolves on PUBACK (the cloud's MQTT connection: cloud/platform/cloud-mqtt-connection.ts). */
export interface RetainedPublisher {
  publishRetained(topic: string, payload: string): Promise<void>;
}

export interface GatewayLookup {
  getGateway(gatewayId: string): Promise<{ id: string } | null>;
}

/** PostgreSQL unique_violation: two versions numbered at once. */
const UNIQUE_VIOLATION = '23505';
const APPEND_ATTEMPTS = 3;

/**
 * Sets a gateway's rules config (care profiles, rule parameters): stores it as the next version and
 * publishes it retained on the gateway's config topic, where the gateway picks it up whenever it
 * connects. A config the broker cannot take now is stored all the same and the caller gets an
 * AppError unavailable; gateway-config-republisher.ts publishes every gateway's newest version again
 * at start and on each reconnect.
 */
export class GatewayConfigService {
  constructor(
    private readonly repository: GatewayConfigRepository,
    private readonly gateways: GatewayLookup,
    private readonly publisher: RetainedPublisher,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async set(gatewayId: string, rules: RulesConfig, issuedBy: string): Promise<StoredGatewayConfig> {
    if (!(await this.gateways.getGateway(gatewayId))) throw notFound('gateway', gatewayId);
    const stored = await this.appendWithRetry(gatewayId, rules, issuedBy);
    await this.publish(stored);
    return stored;
  }

  latest(gatewayId: string): Promise<StoredGatewayConfig | null> {
    return this.repository.latest(gatewayId);
  }

  async republishAll(): Promise<void> {
    for (const config of await this.repository.latestOfAll()) {
      await this.publish(config).catch((error: unknown) => this.logger.warn({ err: error, gateway: config.gatewayId }, 'config not republished'));
    }
  }

  private async publish(config: StoredGatewayConfig): Promise<void> {
    const unavailable = (): AppError =>
      new AppError('unavailable', 'broker_unavailable', `config version ${config.version} is stored; the cloud broker is not connected, so it will be sent when it is`);
    try {
      await this.publisher.publishRetained(topicFor(config.gatewayId, 'config'), JSON.stringify(configMessageOf(config, this.clock.now())));
    } catch (error) {
      this.logger.warn({ err: error, gateway: config.gatewayId }, 'config not published');
      throw unavailable();
    }
    this.logger.info({ gateway: config.gatewayId, version: config.version }, 'gateway config published');
  }

  private async appendWithRetry(gatewayId: string, rules: RulesConfig, issuedBy: string): Promise<StoredGatewayConfig> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.repository.append(gatewayId, rules, this.clock.now(), issuedBy);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= APPEND_ATTEMPTS) throw error;
      }
    }
  }
}
