import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../../../shared/log/logger.js';
import type { DeviceIntakeHost } from '../../local-broker/embedded-broker.js';
import type { Clock } from '../../../shared/time/clock.js';
import type { MqttDeviceProfile } from './mqtt-profile.js';
import type { DeviceSink, Driver, DriverDevice } from '../driver.js';
import { mapPayload } from './payload-mapper.js';

/** How long start() waits for the local broker before going on (and retrying in the background). */
export const LOCAL_BROKER_CONNECT_TIMEOUT_MS = 5000;
/** Wait between reconnect attempts to the local broker. */
export const LOCAL_BROKER_RECONNECT_PERIOD_MS = 1000;

export interface MqttDriverOptions {
  /**
   * The gateway's embedded broker: the driver takes device messages in before the broker
   * acknowledges them (see below). When absent, the driver subscribes to brokerUrl as a client.
   */
  embeddedBroker?: DeviceIntakeHost | undefined;
  /** Resolved at start(): the embedded broker's port is known only once it listens. */
  brokerUrl: () => string;
  clientId: string;
  sink: DeviceSink;
  logger: Logger;
  clock: Clock;
}

interface MqttBinding {
  device: DriverDevice;
  profile: MqttDeviceProfile;
}

/**
 * Devices that publish JSON into the gateway's local broker; every message goes through the pure
 * payload mapper. A bad message is refused, reported to the sink (which counts it per reason) and
 * logged; the driver carries on.
 *
 * With the embedded broker, the driver is the broker's intake: a device's QoS 1 message is
 * acknowledged only once its events, readings and any alert it raised are in the outbox, so a
 * gateway killed at any moment loses nothing a device was told was delivered. The intake is set
 * when the driver is built, and the broker listens only after the outbox and rules have started, so
 * what a device sends the moment the gateway boots is taken in too. After stop() the intake refuses,
 * and the device keeps its message for the next start.
 *
 * With an external local broker (a Mosquitto on the box), one MQTT.js client subscribes to every
 * device topic; that broker acknowledges a device before the gateway has seen the message.
 */
export class MqttDriver implements Driver {
  readonly name = 'mqtt-driver';
  readonly protocol = 'mqtt' as const;
  private client: MqttClient | null = null;
  private readonly byTopic = new Map<string, MqttBinding>();
  private readonly online = new Set<string>();
  private stopped = false;

  constructor(private readonly options: MqttDriverOptions) {
    options.embeddedBroker?.setIntake((topic, payload) => this.takeIn(topic, payload));
  }

  addDevice(device: DriverDevice): void {
    const topic = device.config.mqtt?.topic;
    if (device.profile.driver !== 'mqtt' || topic === undefined) {
      throw new Error(`device ${device.id}: the mqtt driver needs an mqtt profile and an mqtt.topic`);
    }
    const taken = this.byTopic.get(topic);
    if (taken && taken.device.id !== device.id) {
      throw new Error(`device ${device.id}: topic "${topic}" is already used by device ${taken.device.id}`);
    }
    // The mqtt manifest's profile schema made every profile whose driver is mqtt.
    this.byTopic.set(topic, { device, profile: device.profile as MqttDeviceProfile });
    if (this.options.embeddedBroker) return;
    this.client?.subscribe(topic, { qos: 1 }, (error) => this.logSubscribeError(topic, error));
  }

  removeDevice(deviceId: string): void {
    for (const [topic, binding] of this.byTopic) {
      if (binding.device.id !== deviceId) continue;
      this.byTopic.delete(topic);
      this.online.delete(deviceId);
      this.client?.unsubscribe(topic);
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    if (this.options.embeddedBroker) return;
    const url = this.options.brokerUrl();
    // resubscribe: false because every 'connect' below subscribes to the current topics itself.
    const client = connect(url, {
      clientId: this.options.clientId,
      clean: true,
      resubscribe: false,
      reconnectPeriod: LOCAL_BROKER_RECONNECT_PERIOD_MS,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => this.markAllOffline());
    client.on('error', (error) => this.options.logger.warn({ err: error, url }, 'local broker connection error'));
    const subscribed = new Promise<void>((resolve) => {
      client.on('connect', () => {
        const topics = [...this.byTopic.keys()];
        if (topics.length === 0) return resolve();
        client.subscribe(topics, { qos: 1 }, (error) => {
          this.logSubscribeError(topics.join(', '), error);
          resolve();
        });
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), LOCAL_BROKER_CONNECT_TIMEOUT_MS);
    });
    const late = await Promise.race([subscribed.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) this.options.logger.warn({ url }, 'local broker not reachable yet; the mqtt driver keeps retrying');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = null;
    // Cleared first: a deliberate stop is not the devices going offline.
    this.online.clear();
    if (client) await client.endAsync();
  }

  /** The embedded broker's intake: resolves when the message is in the outbox. Other topics pass. */
  private async takeIn(topic: string, payload: Buffer): Promise<void> {
    if (!this.byTopic.has(topic)) return;
    if (this.stopped) throw new Error('the gateway is stopping');
    this.onMessage(topic, payload);
    await this.options.sink.settled();
  }

  private onMessage(topic: string, payload: Buffer): void {
    const binding = this.byTopic.get(topic);
    if (!binding) return;
    const { device, profile } = binding;
    const { sink, logger, clock } = this.options;
    try {
      const result = mapPayload(profile, device, payload, clock.now());
      if (!result.ok) {
        sink.rejected(device.id, result.problem);
        logger.warn({ device: device.id, reason: result.problem.code, detail: result.problem.message }, 'device payload refused');
        return;
      }
      for (const problem of result.ignored) {
        sink.ignored(device.id, problem);
        logger.debug({ device: device.id, reason: problem.code, detail: problem.message }, 'part of a device payload ignored');
      }
      if (!this.online.has(device.id)) {
        this.online.add(device.id);
        sink.availability(device.id, { online: true });
      }
      for (const event of result.events) sink.event(event);
      if (result.frame) sink.readings(result.frame);
    } catch (error) {
      logger.error({ err: error, device: device.id }, 'handling a device payload failed');
    }
  }

  /** Without the local broker nothing is heard from any device of this driver. */
  private markAllOffline(): void {
    for (const deviceId of this.online) {
      this.options.sink.availability(deviceId, { online: false, reason: 'local_broker_unreachable' });
    }
    this.online.clear();
  }

  private logSubscribeError(topic: string, error: Error | null | undefined): void {
    if (error) this.options.logger.error({ err: error, topic }, 'subscribing to a device topic failed');
  }
}
