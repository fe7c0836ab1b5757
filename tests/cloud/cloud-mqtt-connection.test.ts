import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { gatewayClientId, subscriptionFor, topicFor } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { CloudMqttConnection, type CloudMqttSettings } from '../../cloud/platform/cloud-mqtt-connection.js';
import { isAppError } from '../../cloud/platform/app-error.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { eventually } from '../support/net.js';
import { uniqueSlug } from '../support/wire-fixtures.js';

/**
 * The cloud's one MQTT connection against Mosquitto as deployed (persistent session, the shipped
 * ACL): what the broker queued for the cloud's session is acknowledged only by a handler that took
 * it, and a retained publish is refused with an AppError unavailable while the broker is away.
 */
describe('the cloud MQTT connection', () => {
  const gatewayId = uniqueSlug('gw-conn');
  const passwords = { [gatewayId]: 'pw-conn-gw1', [SERVICE_USERNAME]: 'pw-conn-cloud' };
  let mosquitto: MosquittoInstance;
  let gateway: MqttClient;
  const running: CloudMqttConnection[] = [];
  const settings = (): CloudMqttSettings => ({ url: mosquitto.url, username: SERVICE_USERNAME, password: passwords[SERVICE_USERNAME], clientId: 'estatecare-cloud-test' });
  const connection = (logger = silentLogger()): CloudMqttConnection => {
    const made = new CloudMqttConnection(settings, logger);
    running.push(made);
    return made;
  };
  const alerts = topicFor(gatewayId, 'alerts');

  beforeAll(async () => {
    mosquitto = await startMosquitto(passwords);
    gateway = await mqtt.connectAsync(mosquitto.url, { username: gatewayId, password: passwords[gatewayId], clientId: gatewayClientId(gatewayId), reconnectPeriod: 100 });
  });

  afterEach(async () => {
    for (const made of running.splice(0)) await made.stop();
  });

  afterAll(async () => {
    await gateway?.endAsync(true);
    await mosquitto?.stop();
  });

  /** Handles every message on the alerts of every gateway, recording its payload; the first `failing` of them fail. */
  const recorder = (failing = 0) => {
    const received: string[] = [];
    let failures = 0;
    return {
      received,
      subscription: {
        filters: [subscriptionFor('alerts')],
        handle: async (_topic: string, payload: Buffer): Promise<void> => {
          received.push(payload.toString());
          if (failures++ < failing) throw new Error('the store refused it');
        },
      },
    };
  };

  it('holds what the kept session delivers before anyone subscribes, unacknowledged at stop, for the handler that subscribes next', async () => {
    const first = connection();
    await first.start();
    await first.subscribe(recorder().subscription);
    await first.stop();
    const sent = ['held-1', 'held-2', 'held-3'];
    for (const payload of sent) await gateway.publishAsync(alerts, payload, { qos: 1 });

    const lines: string[] = [];
    const unclaimed = connection(pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) })));
    await unclaimed.start();
    await eventually('the kept session to deliver a message nobody has subscribed for', () => lines.some((line) => line.includes('message held until a handler subscribes')));
    await unclaimed.stop();

    const next = connection();
    await next.start();
    const { received, subscription } = recorder();
    await next.subscribe(subscription);
    await eventually('every queued message handed over', () => received.length >= sent.length);
    expect(received).toEqual(sent);
  });

  it('leaves a message its handler failed on unacknowledged, so the broker delivers it again on the next connection', async () => {
    const first = connection();
    await first.start();
    const failing = recorder(1);
    await first.subscribe(failing.subscription);
    await gateway.publishAsync(alerts, 'refused-once', { qos: 1 });
    await eventually('the handler to fail on it', () => failing.received.length === 1);
    await first.stop();

    const next = connection();
    await next.start();
    const { received, subscription } = recorder();
    await next.subscribe(subscription);
    await eventually('the message delivered again', () => received.length > 0);
    expect(received).toEqual(['refused-once']);
  });

  it('refuses a retained publish with AppError unavailable while the broker is away, and tells of the reconnect', async () => {
    const notStarted = new CloudMqttConnection(settings, silentLogger());
    const beforeStart = await notStarted.publishRetained(topicFor(gatewayId, 'config'), '{}').catch((error: unknown) => error);
    expect(isAppError(beforeStart, 'unavailable') && beforeStart.code).toBe('broker_unavailable');

    const cloud = connection();
    await cloud.start();
    let reconnects = 0;
    cloud.onReconnect(() => (reconnects += 1));
    await cloud.publishRetained(topicFor(gatewayId, 'config'), '{"version":1}');
    await mosquitto.halt();
    await eventually('the connection to notice', () => !cloud.connected);
    const away = await cloud.publishRetained(topicFor(gatewayId, 'config'), '{"version":2}').catch((error: unknown) => error);
    expect(isAppError(away, 'unavailable') && away.code).toBe('broker_unavailable');

    await mosquitto.restart();
    await eventually('the reconnect to be told', () => reconnects === 1);
    await eventually('the gateway back', () => gateway.connected);
    await cloud.publishRetained(topicFor(gatewayId, 'config'), '{"version":3}');
    const retained = await new Promise<string>((resolve) => {
      gateway.once('message', (_topic, payload) => resolve(payload.toString()));
      void gateway.subscribeAsync(topicFor(gatewayId, 'config'), { qos: 1 });
    });
    expect(retained).toBe('{"version":3}');
  }, 60_000);
});
