import mqtt, { type MqttClient } from 'mqtt';
import { testDeviceLogin } from '../support/device-logins.js';
import { DEVICE_RECONNECT_MS } from './fault-harness.js';

export type BurstPart = 'press' | 'trapped' | 'release';

/**
 * One burst as a lift monitor flushes it: a press, two frames of the passenger still inside, a
 * second press, the release (an empty car). One entrapment: one episode, two presses, one clear.
 */
export const BURST: readonly BurstPart[] = ['press', 'trapped', 'trapped', 'press', 'release'];

export interface BurstMessage {
  part: BurstPart;
  seq: number;
  /** The device's event time, ms. */
  time: number;
  /** Date.now() of every send of it, one per connection it went out on. */
  sentAt: number[];
  /** When its PUBACK arrived; null until then. */
  ackedAt: number | null;
}

export interface BurstRecord {
  lift: string;
  messages: BurstMessage[];
}

export interface Burst {
  record: BurstRecord;
  /** Resolves on the first press's PUBACK. */
  firstAcked: Promise<void>;
  /** Sends the rest of the burst (queued behind anything unacknowledged, in order). */
  sendRest(): void;
  /** Resolves once every message of the burst has its PUBACK. */
  allAcked: Promise<void>;
}

interface Pending {
  message: BurstMessage;
  body: string;
  acked: () => void;
}

/**
 * A lift monitor with a store-and-forward queue that sends several messages at once (QoS 1, without
 * waiting for each PUBACK) and, after every reconnect, sends again, in order, each message it has no
 * PUBACK for (MQTT 3.1.1 section 4.4), as its firmware does; the same bytes, so the same item ids.
 * Each connection is a new MQTT.js client with nothing stored, so nothing goes out but what this
 * class sends: the redelivery is the test's, not the library's.
 */
export class BurstLift {
  readonly bursts: BurstRecord[] = [];
  private readonly unacked: Pending[] = [];
  private connection: MqttClient | null = null;
  private seq = 0;
  private lastTime = 0;
  private closed = false;

  private constructor(
    readonly id: string,
    private readonly localUrl: string,
  ) {}

  /** Connects in the background, and again DEVICE_RECONNECT_MS after every loss. */
  static connect(localUrl: string, id: string): BurstLift {
    const lift = new BurstLift(id, localUrl);
    lift.dial();
    return lift;
  }

  get topic(): string {
    return `estate/${this.id}`;
  }

  /** Sends the burst's first press now (or at the next connection); the rest waits for sendRest(). */
  startBurst(): Burst {
    const record: BurstRecord = { lift: this.id, messages: [] };
    this.bursts.push(record);
    const pending = BURST.map((part) => this.message(part));
    record.messages.push(...pending.map((p) => p.message));
    const acked = pending.map((p) => new Promise<void>((resolve) => (p.acked = resolve)));
    this.enqueue(pending[0]!);
    return {
      record,
      firstAcked: acked[0]!,
      sendRest: () => pending.slice(1).forEach((p) => this.enqueue(p)),
      allAcked: Promise.all(acked).then(() => undefined),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connection?.endAsync(true);
  }

  private message(part: BurstPart): Pending {
    const seq = ++this.seq;
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    const time = this.lastTime;
    const status = { car_status: 0, car_direction: 0, door_zone: 1, car_position: 3, door_status: 1, service_mode: 1, power_status: 1 };
    const fields =
      part === 'press' ? { event_code: 90 } : part === 'trapped' ? { ...status, passenger_status: 1 } : { ...status, passenger_status: 2 };
    const body = JSON.stringify({ time: new Date(time).toISOString(), seq, ...fields });
    return { message: { part, seq, time, sentAt: [], ackedAt: null }, body, acked: () => undefined };
  }

  private enqueue(pending: Pending): void {
    this.unacked.push(pending);
    if (this.connection) this.send(this.connection, pending);
  }

  private send(client: MqttClient, pending: Pending): void {
    pending.message.sentAt.push(Date.now());
    client.publish(this.topic, pending.body, { qos: 1 }, (error) => {
      if (error || pending.message.ackedAt !== null) return; // lost with its connection: sent again on the next
      pending.message.ackedAt = Date.now();
      this.unacked.splice(this.unacked.indexOf(pending), 1);
      pending.acked();
    });
  }

  private dial(): void {
    if (this.closed) return;
    const client = mqtt.connect(this.localUrl, { ...testDeviceLogin(this.id), reconnectPeriod: 0, connectTimeout: 2000, clean: true });
    let lost = false;
    client.on('error', () => undefined); // connection refused while the gateway is down
    client.on('connect', () => {
      this.connection = client;
      for (const pending of [...this.unacked]) this.send(client, pending);
    });
    client.on('close', () => {
      if (lost) return;
      lost = true;
      if (this.connection === client) this.connection = null;
      client.end(true);
      setTimeout(() => this.dial(), DEVICE_RECONNECT_MS);
    });
  }
}
