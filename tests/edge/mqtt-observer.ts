import { connectAsync, type MqttClient } from 'mqtt';
import { decodeMessage, topicFor, type DecodedMessage } from '../../shared/contract/index.js';

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

/** Connects to the real Mosquitto the integration tests use, or fails saying how to start it. */
export async function connectToMosquitto(clientId: string): Promise<MqttClient> {
  try {
    return await connectAsync(MOSQUITTO_URL, { clientId, reconnectPeriod: 0, connectTimeout: 3000 });
  } catch (error) {
    throw new Error(
      `Mosquitto is not reachable at ${MOSQUITTO_URL} (${(error as Error).message}); run \`bash deploy/dev/ensure-services.sh\``,
    );
  }
}

export type Observed = DecodedMessage & { retained: boolean };

/** An observed message of one channel. */
export type ObservedOn<C extends DecodedMessage['channel']> = Extract<DecodedMessage, { channel: C }> & { retained: boolean };

/** A waitFor predicate: a message of the channel that passes the test. */
export const on =
  <C extends DecodedMessage['channel']>(channel: C, test: (message: ObservedOn<C>) => boolean = () => true) =>
  (message: Observed): message is ObservedOn<C> =>
    message.channel === channel && test(message as ObservedOn<C>);

/** Leaves no retained status of a test gateway behind on the shared broker. */
export async function clearRetainedStatus(gatewayId: string): Promise<void> {
  const cleaner = await connectToMosquitto(`cleaner-${gatewayId}`);
  await cleaner.publishAsync(topicFor(gatewayId, 'status'), '', { qos: 1, retain: true });
  await cleaner.endAsync();
}

/** Collects and decodes (with the shared wire contract) every message under a topic filter. */
export class ContractObserver {
  readonly messages: Observed[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      if (payload.length === 0) return; // a cleared retained message
      this.messages.push({ ...decodeMessage(topic, payload), retained: packet.retain });
      for (const wake of this.waiters) wake();
    });
  }

  static async watch(clientId: string, filter: string): Promise<ContractObserver> {
    return ContractObserver.subscribe(await connectToMosquitto(clientId), [filter]);
  }

  /** Watches through a client already connected (a private broker's observer account). */
  static async subscribe(client: MqttClient, filters: string[]): Promise<ContractObserver> {
    const observer = new ContractObserver(client);
    await client.subscribeAsync(filters, { qos: 1 });
    return observer;
  }

  async waitFor<T extends Observed>(predicate: (message: Observed) => message is T, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate) as T | undefined;
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; saw ${this.messages.map((m) => m.channel).join(', ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
