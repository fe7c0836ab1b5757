import mqtt, { type MqttClient } from 'mqtt';
import { ReceiptsMessageSchema, gatewayClientId, topicFor, toWireTime, SCHEMA_VERSION, type Channel, type Receipt } from '../../shared/contract/index.js';
import { eventually } from './net.js';

/**
 * Publishes into the cloud broker as a gateway would, for tests that need exact control of what
 * arrives: redeliveries, malformed payloads, a payload that names another gateway.
 */
export class GatewayPublisher {
  private seq = 0;
  /** Every receipt the cloud sent this gateway since connect, in arrival order. */
  readonly receipts: Receipt[] = [];

  private constructor(
    readonly gatewayId: string,
    private readonly client: MqttClient,
  ) {
    client.on('message', (_topic, payload) => {
      const message = ReceiptsMessageSchema.parse(JSON.parse(payload.toString()));
      this.receipts.push(...message.receipts);
    });
  }

  /**
   * Connects as the gateway, under its client id, and subscribes to its receipts topic, as the
   * gateway's uplink does (a running gateway of the same id is displaced, as by a restart).
   */
  static async connect(brokerUrl: string, gatewayId: string, password: string): Promise<GatewayPublisher> {
    const client = await mqtt.connectAsync(brokerUrl, { username: gatewayId, password, clientId: gatewayClientId(gatewayId), reconnectPeriod: 0 });
    const publisher = new GatewayPublisher(gatewayId, client);
    await client.subscribeAsync(topicFor(gatewayId, 'receipts'), { qos: 1 });
    return publisher;
  }

  /** The seq the next envelope() will carry. */
  get nextSeq(): number {
    return this.seq + 1;
  }

  /** Waits for the cloud's receipt of the message with this seq. */
  receiptOf(seq: number, timeoutMs = 10_000): Promise<Receipt> {
    return eventually(`the cloud's receipt of seq ${seq}`, async () => this.receipts.find((receipt) => receipt.seq === seq), timeoutMs);
  }

  /** An envelope of wire contract v1 around the items, naming this gateway unless told otherwise. */
  envelope(items: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { schema_version: SCHEMA_VERSION, gateway_id: this.gatewayId, seq: ++this.seq, sent_at: toWireTime(Date.now()), items, ...overrides };
  }

  /** QoS 1 publish on this gateway's own channel; resolves on PUBACK. */
  async publish(channel: Channel, payload: unknown, topicGatewayId = this.gatewayId): Promise<void> {
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    await this.client.publishAsync(topicFor(topicGatewayId, channel), body, { qos: 1 });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async close(): Promise<void> {
    // force: do not wait for PUBACKs a broker that cut us off will never send.
    await this.client.endAsync(true);
  }
}
