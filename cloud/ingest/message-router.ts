import {
  WireError,
  decodeMessage,
  fromWireTime,
  judgeEventTime,
  type AlertItem,
  type DecodedMessage,
  type Channel,
  type GatewayStatus,
  type ItemRefusal,
  type WireRejection,
  parseTopic,
} from '../../shared/contract/index.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Logger } from '../../shared/log/logger.js';
import type { BatchOrigin } from '../telemetry/telemetry-store.js';
import type { TelemetryWrites } from './grouped-telemetry-writes.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import { ItemRefusals, storeBatch, storeOneByOne } from './item-refusals.js';
import { describeDataError } from './store-failure.js';

/** What ingest needs of the registry: the estate a gateway serves, and where its status goes. */
export interface GatewayDirectory {
  getGateway(gatewayId: string): Promise<{ id: string; estateId: string } | null>;
  recordStatus(gatewayId: string, status: GatewayStatus, receivedAt: number, sentAt?: number): Promise<void>;
}

/** What ingest needs of the tickets: one ticket per alert episode. */
export interface AlertHandler {
  handleAlert(origin: BatchOrigin, alert: AlertItem): Promise<unknown>;
}

/**
 * How long a gateway's registry entry (its estate) is reused before it is looked up again. A
 * gateway moved to another estate is seen within this; a drain of a backlog then costs one query
 * per message fewer.
 */
export const GATEWAY_CACHE_MS = 60_000;

/**
 * What became of one message. gatewayId (from the topic) and seq (from the envelope) are there when
 * they could be read, so the sender can be given a receipt even for a message that was refused. An
 * accepted message may have had some of its items refused for good (`refused`, by reason).
 */
export type RouteOutcome =
  | { accepted: true; channel: Channel; gatewayId: string; seq: number; refused?: Partial<Record<ItemRefusal, number>> }
  | { accepted: false; reason: WireRejection; detail: string; channel?: Channel; gatewayId?: string; seq?: number };

/**
 * Turns one MQTT message into stored facts. Bad input is answered with a rejection (counted and
 * logged here, then acknowledged by the caller: resending it would not make it good). Items are
 * judged one by one where one bad item need not cost the good ones beside it: an item whose event
 * time cannot be (event-time-plausibility.ts) or whose data a store refuses (store-failure.ts
 * storeRefusesData) is refused for good and counted, the rest of its message stored; a message
 * none of whose items could be kept is rejected. Any other store error is not caught here: the
 * caller decides between waiting for the store and giving up.
 */
export class MessageRouter {
  /** Registered gateways looked up recently; unknown ones are asked again every time. */
  private readonly gateways = new Map<string, { gateway: { id: string; estateId: string }; until: number }>();
  /** Lookups under way: the messages of one gateway that arrive together share one query. */
  private readonly lookingUp = new Map<string, Promise<{ id: string; estateId: string } | null>>();

  constructor(
    private readonly directory: GatewayDirectory,
    private readonly tickets: AlertHandler,
    private readonly telemetry: TelemetryWrites,
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
    // The estate always comes from the registry, never from what the gateway claims (shared/contract/README.md).
    const gateway = await this.lookUp(decoded.gatewayId);
    if (!gateway) return this.reject(topic, 'unknown_gateway', `gateway "${decoded.gatewayId}" is not registered`, sender);
    const origin: BatchOrigin = { gatewayId: gateway.id, estateId: gateway.estateId, receivedAt: this.clock.now() };

    if (decoded.channel === 'status') {
      await this.directory.recordStatus(gateway.id, decoded.message.status, origin.receivedAt, fromWireTime(decoded.message.sent_at));
      this.metrics.messagesAccepted.inc({ channel: decoded.channel });
      return { accepted: true, ...sender };
    }
    // Counted and logged only once the message is through: a store that fails later holds it, and it is tried again.
    const refusals = new ItemRefusals();
    const refuse = (reason: ItemRefusal, item: { id: string }, detail: string): void => refusals.add(reason, item.id, detail);
    const refuseData = (item: { id: string }, error: unknown): void => refuse('data_exception', item, describeDataError(error));
    switch (decoded.channel) {
      case 'alerts': {
        const alerts = this.plausible(decoded.message.items, origin.receivedAt, refuse);
        await storeOneByOne(alerts, (alert) => this.tickets.handleAlert(origin, alert), refuseData);
        break;
      }
      case 'events': {
        const events = this.plausible(decoded.message.items, origin.receivedAt, refuse);
        await storeBatch(events, (batch) => this.telemetry.writeEvents(origin, batch), refuseData);
        break;
      }
      case 'telemetry': {
        const readings = this.plausible(decoded.message.items, origin.receivedAt, refuse);
        await storeBatch(readings, (batch) => this.telemetry.writeReadings(origin, batch), refuseData);
        break;
      }
      case 'activity': {
        const hours = this.plausible(decoded.message.items, origin.receivedAt, refuse);
        await storeBatch(hours, (batch) => this.telemetry.writeHouseholdActivity(origin, batch), refuseData);
        break;
      }
    }
    for (const { itemId, reason, detail } of refusals.entries) {
      this.metrics.itemsRefused.inc({ reason });
      this.logger.warn({ topic, seq: sender.seq, item: itemId, reason, detail }, 'item refused');
    }
    if (refusals.total === decoded.message.items.length) {
      return this.reject(topic, refusals.first!, `every item refused: ${refusals.describe()}`, sender);
    }
    this.metrics.messagesAccepted.inc({ channel: decoded.channel });
    this.metrics.itemsStored.inc({ channel: decoded.channel }, decoded.message.items.length - refusals.total);
    const refused = refusals.byReason();
    return refused ? { accepted: true, ...sender, refused } : { accepted: true, ...sender };
  }

  /**
   * The items whose event time can be, at the cloud's clock now; the others are refused. A device's
   * readings of one poll share its event time (edge/bus/polled-driver.ts) and lie side by side: a
   * time is parsed and judged once for its run.
   */
  private plausible<T extends { id: string; event_time: string }>(items: readonly T[], now: number, refuse: (reason: ItemRefusal, item: T, detail: string) => void): T[] {
    let judgedTime: string | undefined;
    let verdict: ReturnType<typeof judgeEventTime> = 'plausible';
    return items.filter((item) => {
      if (item.event_time !== judgedTime) {
        judgedTime = item.event_time;
        verdict = judgeEventTime(fromWireTime(item.event_time), now);
      }
      if (verdict === 'plausible') return true;
      refuse(verdict, item, `event_time ${item.event_time} at cloud time ${new Date(now).toISOString()}`);
      return false;
    });
  }

  private async lookUp(gatewayId: string): Promise<{ id: string; estateId: string } | null> {
    const cached = this.gateways.get(gatewayId);
    if (cached && cached.until > this.clock.now()) return cached.gateway;
    let lookup = this.lookingUp.get(gatewayId);
    if (!lookup) {
      lookup = this.directory.getGateway(gatewayId).then((gateway) => {
        if (gateway) this.gateways.set(gatewayId, { gateway: { id: gateway.id, estateId: gateway.estateId }, until: this.clock.now() + GATEWAY_CACHE_MS });
        else this.gateways.delete(gatewayId);
        return gateway;
      });
      this.lookingUp.set(gatewayId, lookup);
      const forget = (): void => void this.lookingUp.delete(gatewayId);
      lookup.then(forget, forget);
    }
    return lookup;
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
