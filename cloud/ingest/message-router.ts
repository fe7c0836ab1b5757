import {
  WireError,
  decodeMessage,
  type AlertItem,
  type DecodedMessage,
  type GatewayStatus,
  type WireRejection,
} from '../../shared/contract/index.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Logger } from '../../shared/log/logger.js';
import type { BatchOrigin, TelemetryStore } from '../telemetry/telemetry-store.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';

/** What ingest needs of the registry: the estate a gateway serves, and where its status goes. */
export interface GatewayDirectory {
  getGateway(gatewayId: string): Promise<{ id: string; estateId: string } | null>;
  recordStatus(gatewayId: string, status: GatewayStatus, receivedAt: number): Promise<void>;
}

/** What ingest needs of the tickets: one ticket per alert episode. */
export interface AlertHandler {
  handleAlert(origin: BatchOrigin, alert: AlertItem): Promise<unknown>;
}

export type RouteOutcome = { accepted: true; channel: string } | { accepted: false; reason: WireRejection; detail: string };

/**
 * Turns one MQTT message into stored facts. Bad input is answered with a rejection (counted and
 * logged by the caller, then acknowledged: resending it would not make it good). A store that throws
 * is not caught here: the caller decides between waiting for the store and giving up.
 */
export class MessageRouter {
  constructor(
    private readonly directory: GatewayDirectory,
    private readonly tickets: AlertHandler,
    private readonly telemetry: TelemetryStore,
    private readonly metrics: CloudMetrics,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async route(topic: string, payload: Uint8Array): Promise<RouteOutcome> {
    let decoded: DecodedMessage;
    try {
      decoded = decodeMessage(topic, payload);
    } catch (error) {
      if (error instanceof WireError) return this.reject(topic, error.reason, error.message);
      throw error;
    }
    if (decoded.channel === 'config') {
      return this.reject(topic, 'unknown_topic', 'config flows from the cloud to gateways, not the other way');
    }
    // The estate always comes from the registry, never from what the gateway claims (DESIGN.md).
    const gateway = await this.directory.getGateway(decoded.gatewayId);
    if (!gateway) return this.reject(topic, 'unknown_gateway', `gateway "${decoded.gatewayId}" is not registered`);
    const origin: BatchOrigin = { gatewayId: gateway.id, estateId: gateway.estateId, receivedAt: this.clock.now() };

    switch (decoded.channel) {
      case 'alerts':
        for (const alert of decoded.message.items) await this.tickets.handleAlert(origin, alert);
        break;
      case 'events':
        await this.telemetry.writeEvents(origin, decoded.message.items);
        break;
      case 'telemetry':
        await this.telemetry.writeReadings(origin, decoded.message.items);
        break;
      case 'status':
        await this.directory.recordStatus(gateway.id, decoded.message.status, origin.receivedAt);
        break;
    }
    this.metrics.messagesAccepted.inc({ channel: decoded.channel });
    return { accepted: true, channel: decoded.channel };
  }

  private reject(topic: string, reason: WireRejection, detail: string): RouteOutcome {
    this.metrics.rejected(reason);
    this.logger.warn({ topic, reason, detail }, 'message rejected');
    return { accepted: false, reason, detail };
  }
}
