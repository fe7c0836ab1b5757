import mqtt, { type MqttClient } from 'mqtt';
import { topicFor, toWireTime, SCHEMA_VERSION, type Channel } from '../../shared/contract/index.js';

/**
 * Publishes into the cloud broker as a gateway would, for tests that need exact control of what
 * arrives: redeliveries, malformed payloads, a payload that names another gateway.
 */
export class GatewayPublisher {
  private seq = 0;

  private constructor(
    readonly gatewayId: string,
    private readonly client: MqttClient,
  ) {}

  static async connect(brokerUrl: string, gatewayId: string, password: string): Promise<GatewayPublisher> {
    const client = await mqtt.connectAsync(brokerUrl, { username: gatewayId, password, clientId: `${gatewayId}-test-${Math.random().toString(36).slice(2, 8)}`, reconnectPeriod: 0 });
    return new GatewayPublisher(gatewayId, client);
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
