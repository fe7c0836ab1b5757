import { setTimeout as sleep } from 'node:timers/promises';
import { UPLINK_CHANNELS, parseTopic, subscriptionFor, type UplinkChannel } from '../../shared/contract/index.js';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import type { CloudMqttConnection, DetachHandler } from '../platform/cloud-mqtt-connection.js';
import { CLOUD_PRESENCE_PUBLISH_OPTIONS, newCloudPresence } from '../platform/cloud-presence-message.js';
import { DECODED_BYTES_PER_TURN, DecodingTurns, type DecodingRoom } from './decoding-turns.js';
import { InOrderPerKey } from './in-order-per-key.js';
import { INGEST_LANES, type IngestLane } from './ingest-lanes.js';
import { senderOf, type MessageRouter, type RouteOutcome } from './message-router.js';
import { RECEIPT_PUBLISH_OPTIONS, ReceiptPublisher, receiptFor } from './receipt-publisher.js';
import { describeDataError, storeRefusesData, storeUnavailable } from './store-failure.js';

/** What ingest uses of each of the cloud's MQTT connections (cloud/platform/cloud-mqtt-connection.ts). */
export type IngestConnection = Pick<CloudMqttConnection, 'subscribe' | 'publish' | 'unsubscribeFromSession'>;

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
 * Subscribes to every gateway's uplink channels, each on the connection of its lane (ingest-lanes.ts:
 * alerts and status on the urgent lane, telemetry, events and activity on the telemetry lane), and
 * hands each message to the router. Each connection has many messages in flight at once (up to
 * INFLIGHT_MESSAGES, cloud-mqtt-connection.ts) and sends each one's PUBACK only once take()
 * resolves, that is once the router has stored it: while a store is down every message in flight
 * waits for it, the window fills, the connection stops reading and the broker keeps the rest;
 * nothing is acknowledged that was not stored. The windows are the lanes' own: readings held by a
 * slow store fill the telemetry lane's, and alerts still come in on the urgent lane. Once a message
 * is stored (or refused for good) its gateway gets a receipt (receipt-publisher.ts), published on
 * the lane it came on, and only then deletes it from its outbox.
 *
 * Writes: telemetry is written in groups across messages (grouped-telemetry-writes.ts: one INSERT or
 * one InfluxDB write for many messages, readings and events each in their own write lane); alerts go
 * straight to the tickets, events and status to their own writes, none of them behind a readings
 * write. The alerts and status of one gateway, and its events and activity, are handled one after
 * another in the order they came on their lane (in-order-per-key.ts), so its receipts for them come
 * in that order too; readings in any order (they carry their own times, and are written idempotently).
 *
 * Each time a lane has subscribed (at start, and after a reconnect on which the broker had lost its
 * session) ingest publishes its presence with a new session id (shared/contract/cloud-presence.ts), so
 * gateways send again at once what the broker may have dropped before the subscription was back.
 * With a share group several instances split the gateways' messages; when one leaves the group
 * (killed, or stopped) its connection's departure, another new presence, has the gateways send
 * again what it had been dealt, now to the members still there (cloud-mqtt-connection.ts).
 */
export class IngestService implements Component {
  readonly name = 'ingest';
  private stopping = false;
  private detachers: DetachHandler[] = [];
  private readonly receipts: Record<IngestLane, ReceiptPublisher>;
  private readonly inOrder = new InOrderPerKey();
  /**
   * Each lane's messages are decoded a few at a time per turn of the event loop (decoding-turns.ts),
   * the telemetry lane's no sooner than the readings writes have room for them.
   */
  private readonly decodingTurns: Record<IngestLane, DecodingTurns>;
  /** The health check under way: every message held by a failed write waits for the same one. */
  private storesUpCheck: Promise<boolean> | null = null;

  /**
   * shareGroup: null subscribes without $share (the embedded aedes broker has no shared subscriptions).
   * telemetryRoom: what the telemetry lane's decoding waits for (grouped-telemetry-writes.ts readingsRoom).
   */
  constructor(
    private readonly connections: Readonly<Record<IngestLane, IngestConnection>>,
    private readonly shareGroup: string | null,
    private readonly router: MessageRouter,
    private readonly health: StoreHealth,
    private readonly metrics: CloudMetrics,
    private readonly clock: Clock,
    private readonly logger: Logger,
    telemetryRoom?: DecodingRoom,
  ) {
    this.decodingTurns = { urgent: new DecodingTurns(), telemetry: new DecodingTurns(DECODED_BYTES_PER_TURN, undefined, telemetryRoom) };
    const publisher = (lane: IngestLane): ReceiptPublisher =>
      new ReceiptPublisher((topic, payload) => this.connections[lane].publish(topic, payload, RECEIPT_PUBLISH_OPTIONS), clock, logger);
    this.receipts = { urgent: publisher('urgent'), telemetry: publisher('telemetry') };
  }

  /**
   * Subscribes each lane's channels on its connection. A persistent session kept from a start that
   * subscribed other channels there (every channel was on one connection before the lanes) is rid
   * of them, and what it still delivers on them is stored all the same.
   */
  async start(): Promise<void> {
    this.stopping = false;
    const filterOf = (channel: UplinkChannel): string => subscriptionFor(channel, this.shareGroup ?? undefined);
    const everyChannel = UPLINK_CHANNELS.map(filterOf);
    for (const lane of Object.keys(INGEST_LANES) as IngestLane[]) {
      const connection = this.connections[lane];
      const filters = INGEST_LANES[lane].map(filterOf);
      this.detachers.push(
        await connection.subscribe({
          filters,
          handles: everyChannel,
          handle: (topic, payload) => this.take(lane, topic, payload),
          subscribed: () => this.announcePresence(),
        }),
      );
      await connection.unsubscribeFromSession(everyChannel.filter((filter) => !filters.includes(filter)));
    }
  }

  /**
   * Stops taking messages and sends the receipts gathered. What comes next is held unacknowledged
   * by the connection: a persistent session gets it again, a share group member's departure at the
   * connection's stop has the gateways send it again.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.detachers.forEach((detach) => detach());
    this.detachers = [];
    Object.values(this.receipts).forEach((receipts) => receipts.stop());
  }

  /**
   * Stores one message; resolves (and the connection acknowledges it) once stored or refused for
   * good. A gateway's messages other than telemetry go one after another per lane: its alerts never
   * wait for its events or household activity held by a telemetry store that is down (the two
   * connections set no order between them anyway).
   */
  private take(lane: IngestLane, topic: string, payload: Buffer): Promise<void> {
    const sender = parseTopic(topic);
    if (!sender || sender.channel === 'telemetry') return this.storeAndReceipt(lane, topic, payload);
    return this.inOrder.run(`${lane}/${sender.gatewayId}`, () => this.storeAndReceipt(lane, topic, payload));
  }

  private async storeAndReceipt(lane: IngestLane, topic: string, payload: Buffer): Promise<void> {
    await this.decodingTurns[lane].admit(payload.byteLength);
    const receipt = receiptFor(await this.process(topic, payload));
    if (receipt) this.receipts[lane].record(receipt.gatewayId, receipt.receipt);
  }

  private storesUp(): Promise<boolean> {
    this.storesUpCheck ??= this.health.storesUp().finally(() => (this.storesUpCheck = null));
    return this.storesUpCheck;
  }

  /**
   * Once a lane is subscribed: a new presence, so gateways send again what the broker may have
   * dropped before. Published on the urgent lane, whichever lane subscribed: its PUBACK is read
   * even while the telemetry lane's window is full (the broker had taken the subscription before
   * its SUBACK, so the presence comes after it).
   */
  private async announcePresence(): Promise<void> {
    const presence = newCloudPresence(this.clock);
    try {
      await this.connections.urgent.publish(presence.topic, presence.payload, CLOUD_PRESENCE_PUBLISH_OPTIONS);
    } catch (error) {
      // Gateways then resend after their receipt timeout, as before presence existed.
      this.logger.warn({ err: error }, 'announcing the cloud presence failed');
    }
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
        const storesUp = (await this.storesUp()) && !storeUnavailable(error);
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

