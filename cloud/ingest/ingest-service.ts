import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import {
  CLOUD_PRESENCE_TOPIC,
  SCHEMA_VERSION,
  UPLINK_CHANNELS,
  subscriptionFor,
  toWireTime,
  type CloudPresence,
} from '../../shared/contract/index.js';
import { newId } from '../../shared/ids.js';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import { senderOf, type MessageRouter, type RouteOutcome } from './message-router.js';
import { RECEIPT_PUBLISH_OPTIONS, ReceiptPublisher, receiptFor } from './receipt-publisher.js';
import { describeDataError, storeRefusesData, storeUnavailable } from './store-failure.js';

export interface IngestConnection {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  /** null subscribes without $share (the embedded aedes broker has no shared subscriptions). */
  shareGroup: string | null;
}

export interface StoreHealth {
  /** True when every store ingest writes to answers. */
  storesUp(): Promise<boolean>;
}

/** First wait after a store failure; doubles up to MAX_RETRY_DELAY_MS. */
const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 5_000;
/**
 * A message whose writes fail this often, while every store answers and the errors neither say a
 * store is unavailable nor that it refuses the data, is set aside (acknowledged to the broker with
 * no receipt, so its gateway keeps it and sends it again later). It is tried again at once, not
 * after a wait: only a store that cannot write holds messages back, never one message.
 */
const MAX_FAILURES_WITH_STORES_UP = 3;

/**
 * Subscribes to every gateway's uplink channels and hands each message to the router. The PUBACK is
 * sent only after the router has stored the message (MQTT.js sends it when handleMessage calls back,
 * one message at a time), so while a store is down ingest stops taking messages and the broker keeps
 * them; nothing is acknowledged that was not stored. Once a message is stored (or refused for good)
 * its gateway gets a receipt (receipt-publisher.ts), and only then deletes it from its outbox.
 *
 * Each time it has subscribed (at start, and after a reconnect on which the broker had lost its
 * session) it publishes its presence with a new session id (shared/contract/cloud-presence.ts), so
 * gateways send again at once what the broker may have dropped before the subscription was back.
 */
export class IngestService implements Component {
  readonly name = 'ingest';
  private client: MqttClient | null = null;
  private stopping = false;
  private readonly reconnectListeners = new Set<() => void>();
  private readonly receipts: ReceiptPublisher;

  constructor(
    private readonly connection: IngestConnection,
    private readonly router: MessageRouter,
    private readonly health: StoreHealth,
    private readonly metrics: CloudMetrics,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.receipts = new ReceiptPublisher(
      async (topic, payload) => {
        if (!this.client) throw new Error('ingest is stopped');
        await this.client.publishAsync(topic, payload, RECEIPT_PUBLISH_OPTIONS);
      },
      clock,
      logger,
    );
  }

  /** Called after every reconnect to the broker (not the first connect). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const client = mqtt.connect(this.connection.url, {
      clientId: this.connection.clientId,
      username: this.connection.username,
      password: this.connection.password,
      // A persistent session: messages published while ingest is away wait in the broker for it.
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      manualConnect: true,
      // subscribe() below renews the subscriptions on a reconnect without a session, and knows when they are in place.
      resubscribe: false,
    });
    client.handleMessage = (packet, done) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      this.process(packet.topic, payload).then(
        (outcome) => {
          const receipt = receiptFor(outcome);
          if (receipt) this.receipts.record(receipt.gatewayId, receipt.receipt);
          done();
        },
        (error: unknown) => done(error as Error),
      );
    };
    client.on('error', (error) => this.logger.warn({ err: error }, 'cloud broker connection error'));
    client.on('offline', () => this.logger.warn('cloud broker unreachable; retrying'));
    this.client = client;
    const connected = new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    client.connect();
    await connected;
    client.on('connect', (connack) => {
      this.reconnectListeners.forEach((listener) => listener());
      // A kept session keeps the subscriptions and what was queued for them: nothing was lost.
      if (!connack.sessionPresent) void this.subscribe(client).catch((error: unknown) => this.logger.warn({ err: error }, 'resubscribing after a reconnect failed'));
    });
    await this.subscribe(client);
  }

  /** Subscribes to every gateway's uplink channels, then announces a new presence. */
  private async subscribe(client: MqttClient): Promise<void> {
    await client.subscribeAsync(
      UPLINK_CHANNELS.map((channel) => subscriptionFor(channel, this.connection.shareGroup ?? undefined)),
      { qos: 1 },
    );
    this.logger.info({ url: this.connection.url }, 'ingest subscribed to gateway channels');
    const presence: CloudPresence = { schema_version: SCHEMA_VERSION, session_id: newId(), since: toWireTime(this.clock.now()) };
    try {
      await client.publishAsync(CLOUD_PRESENCE_TOPIC, JSON.stringify(presence), { qos: 1, retain: true });
    } catch (error) {
      // Gateways then resend after their receipt timeout, as before presence existed.
      this.logger.warn({ err: error }, 'announcing the cloud presence failed');
    }
  }

  /** Publishes a retained QoS 1 message with the service account (gateway config); resolves on PUBACK. */
  async publishRetained(topic: string, payload: string): Promise<void> {
    if (!this.client?.connected) throw new Error('the cloud broker is not connected');
    await this.client.publishAsync(topic, payload, { qos: 1, retain: true });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.receipts.stop();
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync();
  }

  private async process(topic: string, payload: Buffer): Promise<RouteOutcome> {
    let delay = FIRST_RETRY_DELAY_MS;
    let failuresWithStoresUp = 0;
    for (;;) {
      try {
        return await this.router.route(topic, payload);
      } catch (error) {
        if (this.stopping) throw error;
        // The router refuses items a store refuses; this is one it could not pin on an item (a status).
        if (storeRefusesData(error)) {
          const detail = describeDataError(error);
          this.metrics.rejected('data_exception');
          this.logger.warn({ topic, reason: 'data_exception', detail }, 'message rejected');
          return { accepted: false, reason: 'data_exception', detail, ...senderOf(topic, payload) };
        }
        // A store that answers its health check may still be unable to write (read-only, disk full).
        const storesUp = (await this.health.storesUp()) && !storeUnavailable(error);
        if (storesUp) {
          if (++failuresWithStoresUp < MAX_FAILURES_WITH_STORES_UP) continue;
          this.metrics.rejected('store_rejected');
          this.logger.error({ err: error, topic }, 'message set aside: the stores take writes but keep refusing this one; its gateway keeps it and sends it again');
          return { accepted: false, reason: 'store_rejected', detail: (error as Error).message, ...senderOf(topic, payload) };
        }
        this.metrics.storageRetries.inc();
        this.logger.warn({ err: error, topic, retryInMs: delay, storesUp }, 'store unavailable; holding the message');
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
      }
    }
  }
}

