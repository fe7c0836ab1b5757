import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import {
  gatewayClientId,
  CHANNEL_SPECS,
  CLOUD_PRESENCE_TOPIC,
  MAX_MESSAGE_BYTES,
  WireError,
  decodeCloudPresence,
  decodeMessage,
  topicFor,
  type GatewayStatus,
  type StatusMessage,
} from '../../shared/contract/index.js';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import { systemClock, type Clock } from '../../shared/time/clock.js';
import type { Outbox, OutboxBatch, OutboxChannel } from '../outbox/outbox.js';
import { CloudPresenceWatch } from './cloud-presence-watch.js';
import type { EnvelopeFactory } from './envelope-factory.js';
import { ReceiptTracker, type AwaitedMessage, type ReceiptTrackerOptions } from './receipt-tracker.js';

/** Most items taken from the outbox into one envelope; halved while an envelope comes out too big. */
export const MAX_ITEMS_PER_BATCH = 200;
/** How long stop() waits for in-flight publishes before closing the socket anyway. */
export const UPLINK_END_TIMEOUT_MS = 3000;
/** What may go out while the telemetry drain waits its turn. */
const URGENT_CHANNELS: readonly OutboxChannel[] = ['alerts', 'events'];
/**
 * Most telemetry items sent and not yet confirmed by a receipt. They stay in the outbox's in-flight
 * memory until then (a few MiB at this size), so this bounds that memory. 50 full envelopes keep
 * the cloud busy between two receipt flushes (cloud/ingest/receipt-publisher.ts): at 25 the drain
 * of a backlog through the cloud was about a quarter slower (npm run bench uplink-drain). Alerts
 * and events are never held back by it.
 */
export const MAX_AWAITED_TELEMETRY_ITEMS = 50 * MAX_ITEMS_PER_BATCH;
/** How often overdue receipts are looked for. */
const RECEIPT_CHECK_INTERVAL_MS = 1000;

/** Waits ms; may end early when signal aborts (the uplink stops waiting then anyway). */
export type UplinkDelay = (ms: number, signal: AbortSignal) => Promise<void>;

const timerDelay: UplinkDelay = (ms, signal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export interface UplinkOptions {
  url: string;
  username: string;
  password?: string | undefined;
  keepaliveS: number;
  reconnectPeriodMs: number;
  /**
   * Share of the uplink the telemetry backlog may use, 0 < share <= 1 (default 1: no limit). After
   * a telemetry batch took T ms from publish to PUBACK, the next telemetry batch waits
   * T*(1/share - 1); alerts and events go out meanwhile without waiting.
   */
  drainShare?: number | undefined;
  /** Measures the PUBACK time and the wait (default: the system clock). */
  clock?: Clock | undefined;
  /** How the telemetry wait is done (default: a timer); tests inject their own. */
  delay?: UplinkDelay | undefined;
  /**
   * Delete outbox items only when the cloud's receipt names their message (the default in the
   * gateway config), waiting timeoutMs before sending an unanswered message again; null deletes
   * them on the broker's PUBACK, for a cloud that sends no receipts.
   */
  receipts: ReceiptTrackerOptions | null;
  outbox: Outbox;
  envelopes: EnvelopeFactory;
  logger: Logger;
}

/**
 * The gateway's MQTT connection to the cloud broker. It drains the outbox one envelope at a time
 * (QoS 1, waiting for each PUBACK). Outbox entries are deleted when the cloud's receipt for their
 * envelope arrives (shared/contract/receipt.ts; with receipts off, on the PUBACK): a broker's PUBACK
 * only says the broker has the message, and a broker that loses the cloud's session loses it.
 * Unanswered envelopes are sent again after the receipt timeout, after a reconnect, and as soon as
 * the cloud announces a new presence (cloud-presence-watch.ts): a broker that lost the cloud's
 * subscription dropped what was sent before the cloud was back. The cloud stores by item id, so a
 * copy changes nothing there.
 *
 * Session: clean. The outbox, not the client's in-memory store, is what survives (MQTT.js #607,
 * #2015: messages published while offline never reach the client's store): when the connection
 * drops, the batch in flight and every envelope awaiting its receipt go back to the outbox and are
 * sent again after the reconnect (receipts sent to the old connection are lost with it). MQTT.js
 * would replay its own copy as well; the uplink drops it when the connection goes (onConnectionLost),
 * and a duplicate that reaches the cloud otherwise changes nothing there.
 *
 * Last will: a retained status {online:false, reason:'connection_lost'} [MQTT-3.1.2-8], rebuilt
 * before every reconnect. The broker stores it at CONNECT, so its seq and sent_at are those of the
 * connect, lower than the messages sent during that connection: status readers go by arrival.
 */
export class UplinkClient implements Component {
  readonly name = 'uplink';
  private client: MqttClient | null = null;
  private readonly connectListeners = new Set<() => void>();
  private readonly configListeners = new Set<(payload: Buffer) => void>();
  private inFlight: number[] | null = null;
  private readonly lostWaiters = new Set<() => void>();
  private draining = false;
  private drainAgain = false;
  private stopping = false;
  /** Clock time before which no telemetry batch is taken (the drain limit). */
  private telemetryNotBefore = 0;
  /** Ends the current telemetry wait (a kick, a receipt, a lost connection, stop). */
  private wake: (() => void) | null = null;
  /** Envelopes waiting for the cloud's receipt; null when PUBACK deletes. */
  private readonly receipts: ReceiptTracker | null;
  private readonly cloudPresence = new CloudPresenceWatch();
  private receiptCheck: NodeJS.Timeout | null = null;
  /** Items the cloud refused for good since start (dropped from the outbox, logged). */
  private refusedItems = 0;

  constructor(private readonly options: UplinkOptions) {
    this.receipts = options.receipts ? new ReceiptTracker(options.receipts) : null;
  }

  /** Items the cloud refused for good since start. */
  get itemsRefusedByCloud(): number {
    return this.refusedItems;
  }

  /** Envelopes published and not yet answered by a receipt. */
  get awaitingReceipt(): number {
    return this.receipts?.size ?? 0;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  get gatewayId(): string {
    return this.options.envelopes.gatewayId;
  }

  /**
   * Messages on this gateway's config topic (retained, so every connect delivers the newest). The
   * subscription is renewed on every connect: the session is clean.
   */
  onConfigMessage(listener: (payload: Buffer) => void): () => void {
    this.configListeners.add(listener);
    return () => this.configListeners.delete(listener);
  }

  /** Called on every (re)connect; returns an unsubscribe function. */
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  /** Does not wait for the cloud: a gateway starts and works offline, filling its outbox. */
  async start(): Promise<void> {
    const { url, username, password, keepaliveS, reconnectPeriodMs, logger } = this.options;
    this.stopping = false;
    const clientOptions: IClientOptions = {
      clientId: gatewayClientId(this.gatewayId),
      username,
      clean: true,
      keepalive: keepaliveS,
      reconnectPeriod: reconnectPeriodMs,
      will: this.lastWill(),
    };
    if (password !== undefined) clientOptions.password = password;
    const client = connect(url, clientOptions);
    this.client = client;
    const configTopic = topicFor(this.gatewayId, 'config');
    const receiptsTopic = topicFor(this.gatewayId, 'receipts');
    client.on('message', (topic, payload, packet) => {
      if (topic === configTopic) for (const listener of this.configListeners) listener(payload);
      if (topic === receiptsTopic) void this.onReceipts(topic, payload);
      if (topic === CLOUD_PRESENCE_TOPIC) void this.onCloudPresence(payload, packet.retain);
    });
    const subscriptions: Record<string, { qos: 0 | 1 }> = { [configTopic]: { qos: CHANNEL_SPECS.config.qos } };
    if (this.receipts) {
      subscriptions[receiptsTopic] = { qos: CHANNEL_SPECS.receipts.qos };
      subscriptions[CLOUD_PRESENCE_TOPIC] = { qos: 1 };
    }
    client.on('connect', () => {
      logger.info({ url }, 'uplink connected');
      // Receipts and presence are subscribed before anything is sent on this connection, so none is missed.
      client.subscribe(subscriptions, (error) => {
        if (error) logger.warn({ err: error }, 'config/receipts subscription refused');
      });
      for (const listener of this.connectListeners) listener();
      this.kick();
    });
    client.on('reconnect', () => {
      client.options.will = this.lastWill();
    });
    client.on('close', () => this.onConnectionLost());
    client.on('error', (error) => logger.warn({ err: error, url }, 'uplink connection error'));
    if (this.receipts) this.receiptCheck = setInterval(() => void this.resendOverdue(), RECEIPT_CHECK_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.receiptCheck) clearInterval(this.receiptCheck);
    this.receiptCheck = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const ended = client.endAsync();
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), UPLINK_END_TIMEOUT_MS);
    });
    if ((await Promise.race([ended, timedOut])) === 'timeout') await client.endAsync(true);
    clearTimeout(timer);
    this.onConnectionLost();
  }

  /** New items are in the outbox: send them if connected. Safe to call any time. */
  kick(): void {
    if (this.draining) {
      this.drainAgain = true;
      this.wake?.();
      return;
    }
    void this.drain();
  }

  /** Publishes a retained status; resolves on PUBACK, rejects when not connected or on failure. */
  async publishStatus(status: GatewayStatus): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error('uplink not connected');
    const message: StatusMessage = { ...this.options.envelopes.header(), status };
    const spec = CHANNEL_SPECS.status;
    const acked = this.publish(client, topicFor(this.gatewayId, 'status'), JSON.stringify(message), spec.qos, spec.retain);
    if ((await this.unlessLost(acked.then(() => 'acked' as const))) === 'lost') {
      throw new Error('uplink connection lost before the status was acknowledged');
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        let limit = MAX_ITEMS_PER_BATCH;
        while (this.client?.connected && !this.stopping) {
          const waitMs = this.telemetryNotBefore - this.clock.now();
          const windowFull = (this.receipts?.awaitedTelemetryItems ?? 0) >= MAX_AWAITED_TELEMETRY_ITEMS;
          const batch = await this.options.outbox.take(limit, waitMs > 0 || windowFull ? URGENT_CHANNELS : undefined);
          if (!batch) {
            if (waitMs > 0) await this.waitForTelemetryTurn(waitMs);
            // Woken by a receipt, a kick or a lost connection; the receipt check bounds the wait.
            else if (windowFull) await this.waitForTelemetryTurn(RECEIPT_CHECK_INTERVAL_MS);
            else break;
            continue;
          }
          const startedAt = this.clock.now();
          const outcome = await this.send(batch);
          if (batch.channel === 'telemetry' && outcome === 'sent') {
            const now = this.clock.now();
            this.telemetryNotBefore = now + (now - startedAt) * (1 / this.drainShare - 1);
          }
          if (outcome === 'too_large') limit = Math.max(1, Math.floor(batch.keys.length / 2));
          else if (outcome === 'sent') limit = MAX_ITEMS_PER_BATCH;
          else break;
        }
      } while (this.drainAgain && this.client?.connected && !this.stopping);
    } catch (error) {
      this.options.logger.error({ err: error }, 'draining the outbox failed');
    } finally {
      this.draining = false;
    }
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  private get drainShare(): number {
    const share = this.options.drainShare ?? 1;
    return share > 0 && share <= 1 ? share : 1;
  }

  /** Waits until telemetry may go again, or until woken: a kick (a new alert?), the connection lost, stop. */
  private async waitForTelemetryTurn(ms: number): Promise<void> {
    const controller = new AbortController();
    const woken = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    try {
      await Promise.race([(this.options.delay ?? timerDelay)(ms, controller.signal), woken]);
    } finally {
      this.wake = null;
      controller.abort();
    }
  }

  private async send(batch: OutboxBatch): Promise<'sent' | 'too_large' | 'failed'> {
    const { outbox, envelopes, logger } = this.options;
    const header = envelopes.header();
    const payload = JSON.stringify({ ...header, items: batch.items });
    if (Buffer.byteLength(payload) > MAX_MESSAGE_BYTES && batch.keys.length > 1) {
      await outbox.release(batch.keys);
      return 'too_large';
    }
    const client = this.client;
    if (!client) {
      await outbox.release(batch.keys);
      return 'failed';
    }
    this.inFlight = batch.keys;
    const receipts = this.receipts;
    receipts?.expect({ seq: header.seq, channel: batch.channel, keys: batch.keys, sentAt: this.clock.now() });
    const spec = CHANNEL_SPECS[batch.channel];
    const puback = this.publish(client, topicFor(this.gatewayId, batch.channel), payload, spec.qos, spec.retain).then(
      async () => {
        if (!receipts) await outbox.acknowledge(batch.keys);
        return 'sent' as const;
      },
      (error: unknown) => {
        logger.debug({ err: error, channel: batch.channel }, 'publish not acknowledged');
        return 'failed' as const;
      },
    );
    const outcome = await this.unlessLost(puback);
    if (outcome === 'sent') this.inFlight = null;
    if (outcome === 'failed' && this.inFlight === batch.keys) {
      this.inFlight = null;
      receipts?.forget(header.seq);
      await outbox.release(batch.keys);
    }
    return outcome === 'lost' ? 'failed' : outcome;
  }

  /** A receipts message: deletes what the cloud stored or refused; refusals are logged and counted. */
  private async onReceipts(topic: string, payload: Buffer): Promise<void> {
    const { outbox, logger } = this.options;
    try {
      const decoded = decodeMessage(topic, payload);
      if (decoded.channel !== 'receipts' || !this.receipts) return;
      const settlement = this.receipts.settle(decoded.message.receipts);
      if (settlement.acknowledge.length > 0) await outbox.acknowledge(settlement.acknowledge);
      for (const { message, reason } of settlement.rejected) {
        this.refusedItems += message.keys.length;
        logger.error(
          { seq: message.seq, channel: message.channel, items: message.keys.length, reason, refused_total: this.refusedItems },
          'the cloud refused a message for good; its items are dropped from the outbox',
        );
      }
      for (const { message, refused } of settlement.partlyRefused) {
        const items = Object.values(refused).reduce((sum, count) => sum + count, 0);
        this.refusedItems += items;
        logger.error(
          { seq: message.seq, channel: message.channel, items, refused, refused_total: this.refusedItems },
          'the cloud stored a message but refused some of its items for good; they are dropped from the outbox with it',
        );
      }
      this.wake?.();
    } catch (error) {
      if (error instanceof WireError) logger.warn({ err: error, reason: error.reason }, 'receipts message ignored');
      else logger.error({ err: error }, 'acting on receipts failed; the messages will be sent again');
    }
  }

  /** The cloud (re)subscribed: what awaits a receipt may have been dropped, so it goes back in line now. */
  private async onCloudPresence(payload: Buffer, retained: boolean): Promise<void> {
    const { logger } = this.options;
    let sessionId: string;
    try {
      sessionId = decodeCloudPresence(payload).session_id;
    } catch (error) {
      logger.warn({ err: error }, 'cloud presence ignored');
      return;
    }
    if (!this.receipts || !this.cloudPresence.seen(sessionId, retained)) return;
    const awaited = this.receipts.abandonAll();
    logger.info({ session: sessionId, messages: awaited.length }, 'the cloud subscribed anew; sending again what awaits its receipt');
    await this.releaseAwaited(awaited);
    this.kick();
  }

  /** Envelopes whose receipt is overdue go back in line and are sent again. */
  private async resendOverdue(): Promise<void> {
    if (!this.receipts) return;
    const overdue = this.receipts.expire(this.clock.now());
    if (overdue.length === 0) return;
    this.options.logger.warn(
      { messages: overdue.length, items: overdue.reduce((n, message) => n + message.keys.length, 0), next_timeout_ms: this.receipts.timeoutMs },
      'no receipt from the cloud in time; sending those messages again',
    );
    await this.releaseAwaited(overdue);
    this.kick();
  }

  private async releaseAwaited(messages: readonly AwaitedMessage[]): Promise<void> {
    try {
      for (const message of messages) await this.options.outbox.release(message.keys);
    } catch (error) {
      this.options.logger.error({ err: error }, 'putting unanswered messages back in line failed');
    }
  }

  /**
   * The in-flight batch and every envelope awaiting a receipt go back to the outbox; the drain loop
   * moves on. MQTT.js would also replay, at the next CONNECT, every publish of this connection still
   * without its PUBACK, clean session or not (its client.js _onConnect sends its whole outgoing
   * store): those copies are dropped here, since the outbox sends the same items again itself. A
   * copy replayed after the outbox had thinned or evicted its items would reach the cloud while the
   * gateway's budget log counted them as lost.
   */
  private onConnectionLost(): void {
    const client = this.client;
    if (client) {
      for (const [messageId, entry] of Object.entries(client.outgoing)) if (!entry.volatile) client.removeOutgoingMessage(Number(messageId));
    }
    const keys = this.inFlight;
    this.inFlight = null;
    if (keys) void this.options.outbox.release(keys);
    if (this.receipts) void this.releaseAwaited(this.receipts.abandonAll());
    this.wake?.();
    for (const resolve of this.lostWaiters) resolve();
    this.lostWaiters.clear();
  }

  /** Waits for a PUBACK, or settles with 'lost' when the connection goes first: nothing waits forever. */
  private async unlessLost<T>(pending: Promise<T>): Promise<T | 'lost'> {
    let onLost: () => void = () => {};
    const lost = new Promise<'lost'>((resolve) => {
      onLost = () => resolve('lost');
      this.lostWaiters.add(onLost);
    });
    try {
      return await Promise.race([pending, lost]);
    } finally {
      this.lostWaiters.delete(onLost);
    }
  }

  private publish(client: MqttClient, topic: string, payload: string, qos: 0 | 1, retain: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      client.publish(topic, payload, { qos, retain }, (error) => (error ? reject(error) : resolve()));
    });
  }

  private lastWill(): NonNullable<IClientOptions['will']> {
    const message: StatusMessage = { ...this.options.envelopes.header(), status: { online: false, reason: 'connection_lost' } };
    return { topic: topicFor(this.gatewayId, 'status'), payload: Buffer.from(JSON.stringify(message)), qos: 1, retain: true };
  }
}
