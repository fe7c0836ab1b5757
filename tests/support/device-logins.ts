import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

/**
 * Credentials of test devices on a gateway's embedded local broker, which admits no anonymous
 * client: each MQTT device logs in with its id as username and client id, and its own password.
 */

export function testDevicePassword(deviceId: string): string {
  return `pw-${deviceId}-test`;
}

/** local_broker.device_credentials giving each of these devices its test password. */
export function testDeviceCredentials(deviceIds: readonly string[]): Record<string, { password: string }> {
  return Object.fromEntries(deviceIds.map((id) => [id, { password: testDevicePassword(id) }]));
}

/** The MQTT.js connect options of a test device. */
export function testDeviceLogin(deviceId: string): { username: string; password: string; clientId: string } {
  return { username: deviceId, password: testDevicePassword(deviceId), clientId: deviceId };
}

/** Connects as a test device (its own login), or rejects with the broker's refusal. */
export async function connectTestDevice(brokerUrl: string, deviceId: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(brokerUrl, { reconnectPeriod: 0, ...options, ...testDeviceLogin(deviceId) });
}

/** Test devices on one broker, each connected as itself on first use; each publishes QoS 1 on the topic given. */
export class TestDeviceFleet {
  private readonly clients = new Map<string, Promise<MqttClient>>();

  constructor(private readonly brokerUrl: string) {}

  /** Resolves on the broker's PUBACK. */
  async publish(deviceId: string, topic: string, payload: string): Promise<void> {
    let client = this.clients.get(deviceId);
    if (!client) {
      client = connectTestDevice(this.brokerUrl, deviceId);
      client.catch(() => this.clients.delete(deviceId));
      this.clients.set(deviceId, client);
    }
    await (await client).publishAsync(topic, payload, { qos: 1 });
  }

  async end(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map(async (client) => (await client.catch(() => null))?.endAsync()));
  }
}
