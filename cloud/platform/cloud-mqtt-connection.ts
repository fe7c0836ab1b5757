import mqtt, { type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import { AppError } from './app-error.js';
import { CLOUD_PRESENCE_PUBLISH_OPTIONS, type CloudMqttMessage } from './cloud-presence-message.js';
import { topicMatchesFilter } from './mqtt-topic-filter.js';
import { PubackWindow } from './puback-window.js';

/** How the cloud's service account reaches the cloud broker. */
export interface CloudMqttSettings {
  url: string;
  username?: string;
  password?: string;
  /** The broker keeps the session under this id (Mosquitto as deployed uses the username instead). */
  clientId: string;
  /**
   * Absent: a persistent session, for the one cloud instance of a broker. Present: this instance is
   * one member of a $share group, and its session is clean. The broker then deals the group's
   * messages only to members connected (a persistent member that is away keeps being dealt its turn,
   * and what it is dealt waits in its queue until it comes back), and forgets what it had sent this
   * member unacknowledged when the member goes. departure() is the message that makes the senders
   * send that again: the broker publishes it as the member's last will when the connection ends
   * without a DISCONNECT [MQTT-3.1.2-8] (a crash, a kill, a lost network), and stop() publishes one
   * itself before its DISCONNECT, which discards the will [MQTT-3.1.2-10].
   */
  departure?: () => CloudMqttMessage;
  /**
   * 5 (the default): MQTT 5.0, which lets the cloud state its Receive Maximum (§3.1.2.11.3), how
   * many QoS 1 messages the broker may send it before their PUBACKs. 4: MQTT 3.1.1, for the
   * embedded aedes broker, which speaks no other; the broker then sends what its own in-flight
   * limit allows, and the connection stops reading at INFLIGHT_MESSAGES (PubackWindow).
   */
  protocolVersion?: 4 | 5;
}

/**
 * QoS 1 messages a connection of the cloud takes from the broker before acknowledging any: how many
 * messages ingest may have in flight at once on each lane (stored in groups, cloud/ingest/write-groups.ts). At the
 * largest fleet measured (tests/bench/fleet-ramp.bench.ts) a second of messages is some 1,200;
 * this holds that much, in at most a few tens of MiB of payloads (up to 256 KiB each, mostly 5-10 KiB).
 */
export const INFLIGHT_MESSAGES = 2_000;

/**
 * How long the broker keeps the persistent session of a lone instance after its connection ends.
 * MQTT 5.0 ends a session with its connection unless told otherwise (§3.1.2.11.2, Session Expiry
 * Interval absent = 0); 0xFFFFFFFF means it never expires, as a 3.1.1 clean-session-off session.
 */
const SESSION_NEVER_EXPIRES = 0xffff_ffff;

/**
 * Passed to MQTT.js's handleMessage callback to have it read on without sending the PUBACK: its QoS 1
 * flow (src/lib/handlers/publish.ts) sends the PUBACK when the callback is called without an error,
 * and with one hands the error to the packet loop, which goes on to the next packet. The PUBACK goes
 * later, from PubackWindow, once the message is stored.
 */
const PUBACK_LATER = new Error('acknowledged later, once handled, in arrival order');

/** Longest a clean stop waits for the broker to confirm the unsubscribe and the departure message. */
const DEPARTURE_TIMEOUT_MS = 5_000;

/** What the cloud subscribes to, and who handles what arrives on it. */
export interface MqttSubscription {
  /** Topic filters, subscribed at QoS 1 ("$share/{group}/…" included). */
  readonly filters: readonly string[];
  /**
   * More filters whose messages this handler takes without subscribing to them: what a kept session
   * still delivers on a filter now subscribed on another connection (unsubscribeFromSession).
   */
  readonly handles?: readonly string[];
  /**
   * One message on a topic the filters match. Its PUBACK goes only once this resolves (and those of
   * the messages that came before it have gone); a rejection leaves it unacknowledged, so the
   * broker delivers it again on the next connection. Up to INFLIGHT_MESSAGES are handed over
   * without waiting for one another; beyond that the connection reads nothing else from the
   * broker (a PUBACK of the cloud's own publishes included) until one of them settles.
   */
  handle(topic: string, payload: Buffer): Promise<void>;
  /** Each time the subscription is in place: at subscribe(), and after a reconnect on which the broker had lost the session. */
  subscribed?(): Promise<void>;
}

/** Lets go of a subscription's handler; the subscription stays in the broker's session. */
export type DetachHandler = () => void;

/** A message no handler has claimed yet, not acknowledged. */
interface HeldMessage {
  topic: string;
  payload: Buffer;
  done: (error?: Error) => void;
}

/**
 * One MQTT connection of the cloud to the cloud broker, under a service account. The cloud has two
 * (cloud-platform.ts), each with its own session and receive window: the urgent lane (alerts,
 * status, and every publish: configs, receipts, presence) and the telemetry lane. Ingest
 * subscribes through them, gateway configs and receipts go out through them. The session is persistent
 * (clean: false) for a lone instance: while the cloud is away the broker queues what arrives for its
 * subscriptions, and a reconnect that finds the session kept gets the queue with nothing to renew.
 * A member of a share group has a clean session and a departure message instead (CloudMqttSettings).
 * A reconnect on which the broker had no session (always, for a clean one) subscribes again, then
 * tells each subscription.
 *
 * A message that arrives before any handler claims its topic (the broker delivers a kept session's
 * queue right after CONNACK, before the module that subscribes has started) is held, not
 * acknowledged, until a handler subscribes for it; at stop what is still held is left
 * unacknowledged, for the broker to deliver again. Held messages count in the in-flight window:
 * once it is full MQTT.js reads nothing else from the broker, a PUBACK included, so a part that
 * publishes and waits for the PUBACK at start starts after the parts that subscribe (cloud-parts.ts).
 *
 * Many messages are in flight at once (PubackWindow): MQTT.js hands them over one at a time and
 * would send each PUBACK when its handleMessage calls back ("Handle messages with backpressure
 * support, one at a time", MQTT.js README, handleMessage), so the callback is used for the
 * backpressure alone (called at once while the window has room) and the PUBACK is sent by the
 * window, in arrival order, once the message is handled. On MQTT 5.0 the broker is told the window
 * (Receive Maximum, §3.1.2.11.3) and sends no more than that unacknowledged (§4.9, Flow Control).
 */
export class CloudMqttConnection implements Component {
  readonly name: string;
  private client: MqttClient | null = null;
  private readonly subscriptions = new Set<MqttSubscription>();
  private readonly reconnectListeners = new Set<() => void>();
  private held: HeldMessage[] = [];
  /** Every filter subscribed at the broker, for a clean stop to unsubscribe. */
  private readonly brokerFilters = new Set<string>();
  private stopping = false;
  private readonly window: PubackWindow;

  /** settings is read at start: the embedded broker knows its port only once it listens. lane names it in logs. */
  constructor(
    private readonly settings: () => CloudMqttSettings,
    private readonly logger: Logger,
    lane?: string,
  ) {
    this.name = lane === undefined ? 'cloud-mqtt-connection' : `cloud-mqtt-connection (${lane} lane)`;
    this.window = new PubackWindow(INFLIGHT_MESSAGES, (messageId) => this.sendPuback(messageId));
  }

  /** QoS 1 messages taken from the broker and not yet acknowledged (at most INFLIGHT_MESSAGES). */
  get inFlight(): number {
    return this.window.size;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const settings = this.settings();
    const departure = settings.departure;
    const protocolVersion = settings.protocolVersion ?? 5;
    const client = mqtt.connect(settings.url, {
      clientId: settings.clientId,
      username: settings.username,
      password: settings.password,
      // Persistent for a lone instance: messages published while the cloud is away wait in the broker for it.
      clean: departure !== undefined,
      protocolVersion,
      ...(protocolVersion === 5
        ? { properties: { receiveMaximum: INFLIGHT_MESSAGES, sessionExpiryInterval: departure === undefined ? SESSION_NEVER_EXPIRES : 0 } }
        : {}),
      reconnectPeriod: 1_000,
      manualConnect: true,
      // renewSubscriptions() subscribes again on a reconnect without a session, and knows when they are in place.
      resubscribe: false,
      ...(departure ? { will: lastWill(departure()) } : {}),
    });
    // A new will before every reconnect: each departure must be news to the gateways.
    if (departure) client.on('reconnect', () => (client.options.will = lastWill(departure())));
    client.handleMessage = (packet, callback) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      if (packet.qos !== 1 || packet.messageId === undefined) {
        // QoS 0 has no PUBACK, QoS 2 (never subscribed for) its own flow: MQTT.js's, one at a time.
        this.dispatch({ topic: packet.topic, payload, done: callback });
        return;
      }
      const settle = this.window.open(packet.messageId);
      this.dispatch({ topic: packet.topic, payload, done: (error) => settle(error === undefined) });
      this.window.whenRoom(() => callback(PUBACK_LATER));
    };
    // The messages in flight on a connection that is gone are no longer the broker's to acknowledge.
    client.on('close', () => this.window.close());
    client.on('error', (error) => this.logger.warn({ err: error }, 'cloud broker connection error'));
    client.on('offline', () => this.logger.warn('cloud broker unreachable; retrying'));
    this.client = client;
    const connected = new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    client.connect();
    try {
      await connected;
    } catch (error) {
      // No reconnecting in the background for a cloud that did not start.
      this.client = null;
      await client.endAsync(true);
      const login = settings.username === undefined ? 'without a username' : `as ${settings.username}`;
      throw new Error(`the ${this.name} could not connect to the cloud broker ${login}: ${(error as Error).message}`, { cause: error });
    }
    this.logger.info({ url: settings.url, connection: this.name }, 'connected to the cloud broker');
    client.on('connect', (connack) => {
      this.reconnectListeners.forEach((listener) => listener());
      // A kept session keeps the subscriptions and what was queued for them: nothing was lost.
      if (!connack.sessionPresent) void this.renewSubscriptions(client);
    });
  }

  /**
   * Subscribes the filters, hands the handler every message on them (those held for want of one
   * first), then calls subscribed(). The returned function detaches the handler without
   * unsubscribing: the broker keeps queueing for the session while the cloud is away.
   */
  async subscribe(subscription: MqttSubscription): Promise<DetachHandler> {
    const client = this.requireClient();
    this.subscriptions.add(subscription);
    const held = this.held;
    this.held = [];
    held.forEach((message) => this.dispatch(message));
    await this.subscribeAtBroker(client, subscription);
    return () => void this.subscriptions.delete(subscription);
  }

  /**
   * Removes filters from the broker's session of this connection, and what the broker queued for
   * them there: a persistent session kept from a start that subscribed them here, now subscribed on
   * the other connection. Filters the session does not hold are no harm (MQTT 5.0 answers "No
   * subscription existed", §3.11.2.2). What the session delivers on them before this goes to the
   * subscription that handles them (MqttSubscription.handles).
   */
  async unsubscribeFromSession(filters: readonly string[]): Promise<void> {
    if (filters.length === 0) return;
    await this.requireClient().unsubscribeAsync([...filters]);
  }

  /** Called after every reconnect to the broker (not the first connect). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Publishes and resolves on the broker's PUBACK (QoS 1). While the connection is being restored
   * MQTT.js keeps the message and sends it on reconnect; once stopped, an AppError unavailable.
   */
  async publish(topic: string, payload: string, options: Pick<IClientPublishOptions, 'qos' | 'retain'>): Promise<void> {
    const client = this.requireClient();
    await client.publishAsync(topic, payload, options);
  }

  /**
   * Publishes a retained QoS 1 message and resolves on PUBACK. Refused at once with an AppError
   * unavailable while the broker is away (what is retained is published again on reconnect by its
   * owner), and so is a publish the broker does not take.
   */
  async publishRetained(topic: string, payload: string): Promise<void> {
    if (!this.connected) throw brokerUnavailable();
    try {
      await this.publish(topic, payload, { qos: 1, retain: true });
    } catch (error) {
      throw brokerUnavailable(error);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    this.client = null;
    this.subscriptions.clear();
    this.releaseHeld();
    // What is still being handled is left unacknowledged: the broker delivers it again (a kept
    // session), or the departure has the gateways send it again (a share group member).
    this.window.close();
    const departure = this.settings().departure;
    if (client && departure) await this.depart(client, departure);
    // Not forced: the DISCONNECT goes after the PUBACKs of what is in flight, so a persistent session stays.
    if (client) await client.endAsync();
  }

  /**
   * A clean stop of a share group member: unsubscribes, so the broker deals the group's messages to
   * the other members from now on, then publishes the departure message, so that what this member
   * was dealt and did not acknowledge (lost with its clean session) is sent again to the others.
   * Bounded: a broker that does not answer gets the DISCONNECT anyway, and its will is lost with
   * the DISCONNECT; gateways then send again after their receipt timeout.
   */
  private async depart(client: MqttClient, departure: () => CloudMqttMessage): Promise<void> {
    if (!client.connected) return;
    const filters = [...this.brokerFilters];
    this.brokerFilters.clear();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), DEPARTURE_TIMEOUT_MS)));
    const departed = (async () => {
      if (filters.length > 0) await client.unsubscribeAsync(filters);
      const message = departure();
      await client.publishAsync(message.topic, message.payload, CLOUD_PRESENCE_PUBLISH_OPTIONS);
      return 'departed' as const;
    })().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'announcing the departure from the share group failed');
      return 'failed' as const;
    });
    if ((await Promise.race([departed, timedOut])) === 'timeout') this.logger.warn('the broker did not confirm the departure from the share group in time');
    clearTimeout(timer);
  }

  private dispatch(message: HeldMessage): void {
    if (this.stopping) return message.done(new Error('the cloud broker connection is stopping'));
    const subscription = [...this.subscriptions].find((candidate) =>
      [...candidate.filters, ...(candidate.handles ?? [])].some((filter) => topicMatchesFilter(filter, message.topic)),
    );
    if (!subscription) {
      this.logger.info({ topic: message.topic }, 'message held until a handler subscribes for its topic');
      this.held.push(message);
      return;
    }
    subscription.handle(message.topic, message.payload).then(
      () => message.done(),
      (error: unknown) => message.done(error as Error),
    );
  }

  private async renewSubscriptions(client: MqttClient): Promise<void> {
    for (const subscription of this.subscriptions) {
      await this.subscribeAtBroker(client, subscription).catch((error: unknown) => this.logger.warn({ err: error }, 'resubscribing after a reconnect failed'));
    }
  }

  private async subscribeAtBroker(client: MqttClient, subscription: MqttSubscription): Promise<void> {
    await client.subscribeAsync([...subscription.filters], { qos: 1 });
    subscription.filters.forEach((filter) => this.brokerFilters.add(filter));
    this.logger.info({ filters: subscription.filters }, 'subscribed on the cloud broker');
    await subscription.subscribed?.();
  }

  /** Each held message goes unacknowledged (MQTT.js reads on without a PUBACK); the broker delivers it again. */
  private releaseHeld(): void {
    const held = this.held;
    this.held = [];
    held.forEach((message) => message.done(new Error('the cloud broker connection is stopping')));
  }

  /**
   * MQTT.js sends no PUBACK of its own here (PUBACK_LATER); this is the packet its QoS 1 flow would
   * have sent (src/lib/handlers/publish.ts). Only on the connection the message came on: a client
   * not connected would queue it for the next connection, where its packet id may be another message's.
   */
  private sendPuback(messageId: number): void {
    const client = this.client;
    if (!client?.connected) return;
    client['_sendPacket']({ cmd: 'puback', messageId, reasonCode: 0 });
  }

  private requireClient(): MqttClient {
    if (!this.client) throw brokerUnavailable();
    return this.client;
  }
}

function lastWill(message: CloudMqttMessage): NonNullable<IClientOptions['will']> {
  return { topic: message.topic, payload: Buffer.from(message.payload), ...CLOUD_PRESENCE_PUBLISH_OPTIONS };
}

function brokerUnavailable(cause?: unknown): AppError {
  return new AppError('unavailable', 'broker_unavailable', 'the cloud broker is not connected', cause === undefined ? {} : { cause });
}
