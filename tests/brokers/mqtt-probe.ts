import mqtt, { type MqttClient } from 'mqtt';

/**
 * An MQTT client of a broker-access test: it records every message it receives and every way the
 * broker can answer it (refused CONNECT, SUBACK failure, PUBACK, cut connection), so tests wait on
 * what the broker did, never on time.
 */
export interface Login {
  username?: string;
  password?: string;
  clientId: string;
}

export interface Received {
  topic: string;
  payload: string;
}

export class Probe {
  readonly received: Received[] = [];
  /** Resolves when the broker (or anything) closes this connection. */
  readonly closed: Promise<void>;
  private isClosed = false;
  private waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      this.received.push({ topic, payload: payload.toString('utf8') });
      for (const wake of this.waiters) wake();
    });
    this.closed = new Promise((resolve) =>
      client.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
  }

  /** Connects, or rejects with the broker's refusal (mqtt.js names the CONNACK return code). */
  static async connect(url: string, login: Login): Promise<Probe> {
    const client = await mqtt.connectAsync(url, { ...login, reconnectPeriod: 0, connectTimeout: 10_000, clean: true });
    return new Probe(client);
  }

  get connected(): boolean {
    return !this.isClosed;
  }

  /** 'granted', or 'refused' (SUBACK failure 0x80) or 'cut off' (the broker closed the connection). */
  async subscribe(filter: string): Promise<'granted' | 'refused' | 'cut off'> {
    const refused = (granted: number[] | undefined): boolean => granted !== undefined && granted.every((code) => code === 0x80);
    // mqtt.js rejects on a SUBACK failure, with the SUBACK as error.packet.
    const answer = this.client.subscribeAsync(filter, { qos: 1 }).then(
      (granted) => (refused(granted.map((g) => g.qos)) ? ('refused' as const) : ('granted' as const)),
      (error: { packet?: { granted?: number[] } }) => (refused(error.packet?.granted) ? ('refused' as const) : ('cut off' as const)),
    );
    return Promise.race([answer, this.closed.then(() => 'cut off' as const)]);
  }

  /** QoS 1 publish: 'acknowledged' on PUBACK, 'cut off' when the broker closes the connection instead. */
  async publish(topic: string, payload: string | Buffer, options: { retain?: boolean } = {}): Promise<'acknowledged' | 'cut off'> {
    const answer = this.client.publishAsync(topic, payload, { qos: 1, retain: options.retain ?? false }).then(
      () => 'acknowledged' as const,
      () => 'cut off' as const,
    );
    return Promise.race([answer, this.closed.then(() => 'cut off' as const)]);
  }

  /** Waits for a message whose payload equals the given one (on any topic). */
  async waitFor(payload: string, timeoutMs = 10_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((message) => message.payload === payload);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a message "${payload.slice(0, 60)}"; got ${this.received.length} other(s)`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Every payload received on a topic matching the predicate. */
  payloadsOn(topicMatches: (topic: string) => boolean): string[] {
    return this.received.filter((message) => topicMatches(message.topic)).map((message) => message.payload);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Connects and expects the broker to refuse; resolves with mqtt.js's error text. */
export async function refusedConnect(url: string, login: Login): Promise<string> {
  try {
    const probe = await Probe.connect(url, login);
    await probe.close();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`the broker accepted ${login.username ?? 'an anonymous client'} with client id ${login.clientId}`);
}

/** Length of MQTT's variable byte integer for a value [MQTT-2.2.3]: 7 bits per byte, at most 4 bytes. */
function variableByteLength(value: number): number {
  if (value < 128) return 1;
  if (value < 16_384) return 2;
  if (value < 2_097_152) return 3;
  return 4;
}

/**
 * A payload that makes an MQTT 3.1.1 QoS 1 PUBLISH on this topic exactly `packetBytes` long: fixed
 * header (1 byte + Remaining Length) + topic length (2) + topic + packet identifier (2) + payload
 * [MQTT-3.3].
 */
export function payloadForPacketBytes(topic: string, packetBytes: number): Buffer {
  const topicBytes = Buffer.byteLength(topic, 'utf8');
  for (let lengthBytes = 1; lengthBytes <= 4; lengthBytes++) {
    const remaining = packetBytes - 1 - lengthBytes;
    if (variableByteLength(remaining) !== lengthBytes) continue;
    const payloadBytes = remaining - 2 - topicBytes - 2;
    if (payloadBytes < 0) break;
    return Buffer.alloc(payloadBytes, 'x');
  }
  throw new Error(`no QoS 1 PUBLISH on "${topic}" is exactly ${packetBytes} bytes`);
}
