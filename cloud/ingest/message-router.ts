import {
  WireError,
  decodeMessage,
  type AlertItem,
  type DecodedMessage,
  type Channel,
  type GatewayStatus,
  type WireRejection,
  parseTopic,
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

/**
 * What became of one message. gatewayId (from the topic) and seq (from the envelope) are there when
 * they could be read, so the sender can be given a receipt even for a message that was refused.
 */
/**
 * How long a gateway's registry entry (its estate) is reused before it is looked up again. A
 * gateway moved to another estate is seen within this; a drain of a backlog then costs one query
 * per message fewer.
 */
export const GATEWAY_CACHE_MS = 60_000;

export type RouteOutcome =
  | { accepted: true; channel: Channel; gatewayId: string; seq: number }
  | { accepted: false; reason: WireRejection; detail: string; channel?: Channel; gatewayId?: string; seq?: number };

/**
 * Turns one MQTT message into stored facts. Bad input is answered with a rejection (counted and
 * logged by the caller, then acknowledged: resending it would not make it good). A store that throws
 * is not caught here: the caller decides between waiting for the store and giving up.
 */
export class MessageRouter {
  /** Registered gateways looked up recently; unknown ones are asked again every time. */
  private readonly gateways = new Map<string, { gateway: { id: string; estateId: string }; until: number }>();

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
      if (error instanceof WireError) return this.reject(topic, error.reason, error.message, senderOf(topic, payload));
      throw error;
    }
    const sender = { channel: decoded.channel, gatewayId: decoded.gatewayId, seq: decoded.message.seq };
    if (decoded.channel === 'config' || decoded.channel === 'receipts') {
      return this.reject(topic, 'unknown_topic', `${decoded.channel} flows from the cloud to gateways, not the other way`, sender);
    }
    // The estate always comes from the registry, never from what the gateway claims (DESIGN.md).
    const gateway = await this.lookUp(decoded.gatewayId);
    if (!gateway) return this.reject(topic, 'unknown_gateway', `gateway "${decoded.gatewayId}" is not registered`, sender);
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
    return { accepted: true, ...sender };
  }

  private async lookUp(gatewayId: string): Promise<{ id: string; estateId: string } | null> {
    const now = this.clock.now();
    const cached = this.gateways.get(gatewayId);
    if (cached && cached.until > now) return cached.gateway;
    const gateway = await this.directory.getGateway(gatewayId);
    if (gateway) this.gateways.set(gatewayId, { gateway: { id: gateway.id, estateId: gateway.estateId }, until: now + GATEWAY_CACHE_MS });
    else this.gateways.delete(gatewayId);
    return gateway;
  }

  private reject(topic: string, reason: WireRejection, detail: string, sender: Partial<{ channel: Channel; gatewayId: string; seq: number }>): RouteOutcome {
    this.metrics.rejected(reason);
    this.logger.warn({ topic, reason, detail }, 'message rejected');
    return { accepted: false, reason, detail, ...sender };
  }
}

/**
 * The sender of a message that failed to decode, as far as it can be read: the gateway and channel
 * from the topic, the seq from the payload when it is a JSON object with an integer seq.
 */
export function senderOf(topic: string, payload: Uint8Array): Partial<{ channel: Channel; gatewayId: string; seq: number }> {
  const parsed = parseTopic(topic);
  if (!parsed) return {};
  let seq: unknown;
  try {
    seq = (JSON.parse(Buffer.from(payload).toString('utf8')) as { seq?: unknown } | null)?.seq;
  } catch {
    seq = undefined;
  }
  return Number.isSafeInteger(seq) && (seq as number) >= 0 ? { ...parsed, seq: seq as number } : parsed;
}
