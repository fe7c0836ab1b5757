import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { CLOUD_PRESENCE_TOPIC, decodeCloudPresence, gatewayClientId, subscriptionFor, topicFor } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { CloudMqttConnection, type CloudMqttSettings } from '../../cloud/platform/cloud-mqtt-connection.js';
import { newCloudPresence } from '../../cloud/platform/cloud-presence-message.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { eventually } from '../support/net.js';
import { uniqueSlug } from '../support/wire-fixtures.js';

const SECOND_ACCOUNT = 'estatecare-cloud-2';

/**
 * Two cloud connections in one share group on Mosquitto as deployed (each its own account: the
 * shipped config makes the username the client id). Why members have clean sessions: Mosquitto
 * deals a persistent member that is away its turn of the messages; and what a clean member's
 * departure does: the broker deals to the member left, and the departure is the retained presence.
 */
describe('cloud MQTT connections in a share group', () => {
  const gatewayId = uniqueSlug('gw-share');
  const passwords = { [gatewayId]: 'pw-share-gw1', [SERVICE_USERNAME]: 'pw-share-cloud-1', [SECOND_ACCOUNT]: 'pw-share-cloud-2' };
  const group = uniqueSlug('group');
  let mosquitto: MosquittoInstance;
  let gateway: MqttClient;
  const running: CloudMqttConnection[] = [];
  const alerts = () => topicFor(gatewayId, 'alerts');

  /** A member under the account; with `departure`, as the cloud makes it for a share group (each departure made is kept in `departures`). */
  const member = (account: string, departure: boolean): { connection: CloudMqttConnection; received: string[]; departures: string[] } => {
    const settings: CloudMqttSettings = { url: mosquitto.url, username: account, password: passwords[account], clientId: account };
    const departures: string[] = [];
    if (departure) {
      settings.departure = () => {
        const message = newCloudPresence(systemClock);
        departures.push(message.payload);
        return message;
      };
    }
    const connection = new CloudMqttConnection(() => settings, silentLogger());
    running.push(connection);
    return { connection, received: [], departures };
  };
  const join = async ({ connection, received }: ReturnType<typeof member>): Promise<void> => {
    await connection.start();
    await connection.subscribe({ filters: [subscriptionFor('alerts', group)], handle: async (_topic, payload) => void received.push(payload.toString()) });
  };
  const publish = async (payloads: string[]): Promise<void> => {
    for (const payload of payloads) await gateway.publishAsync(alerts(), payload, { qos: 1 });
  };

  beforeAll(async () => {
    mosquitto = await startMosquitto(passwords, { cloudAccounts: [SECOND_ACCOUNT] });
    gateway = await mqtt.connectAsync(mosquitto.url, { username: gatewayId, password: passwords[gatewayId], clientId: gatewayClientId(gatewayId), reconnectPeriod: 100 });
  });

  afterEach(async () => {
    for (const connection of running.splice(0)) await connection.stop();
  });

  afterAll(async () => {
    await gateway?.endAsync(true);
    await mosquitto?.stop();
  });

  it('Mosquitto deals a persistent member that is away its turn, and keeps it for that member', async () => {
    const away = member(SERVICE_USERNAME, false);
    const present = member(SECOND_ACCOUNT, false);
    await join(away);
    await join(present);
    await away.connection.stop();
    await publish(['p-1', 'p-2', 'p-3', 'p-4']);
    await eventually('the present member to get its turns', () => present.received.length >= 2);
    // The other turns wait in the absent member's session: it gets them when it is back.
    const back = member(SERVICE_USERNAME, false);
    await join(back);
    await eventually('the member back to get what was queued for it', () => back.received.length >= 2);
    expect([...present.received, ...back.received].sort()).toEqual(['p-1', 'p-2', 'p-3', 'p-4']);
    expect(present.received).toHaveLength(2);
    // Leave no persistent member in the group for the next test: a clean connect under the account ends its session.
    await back.connection.stop();
    const cleaner = member(SERVICE_USERNAME, true);
    await cleaner.connection.start();
  });

  it('a member with a departure that stops leaves the group: the other gets everything, and the departure is the retained presence', async () => {
    const leaving = member(SERVICE_USERNAME, true);
    const staying = member(SECOND_ACCOUNT, true);
    await join(leaving);
    await join(staying);
    await publish(['s-1', 's-2']);
    await eventually('both members to get a message', () => leaving.received.length > 0 && staying.received.length > 0);

    await leaving.connection.stop();
    const retained = await new Promise<{ payload: Buffer; retain: boolean }>((resolve) => {
      const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean }): void => {
        if (topic !== CLOUD_PRESENCE_TOPIC) return;
        gateway.off('message', onMessage);
        resolve({ payload, retain: packet.retain });
      };
      gateway.on('message', onMessage);
      void gateway.subscribeAsync(CLOUD_PRESENCE_TOPIC, { qos: 1 });
    });
    await gateway.unsubscribeAsync(CLOUD_PRESENCE_TOPIC);
    // The last departure made: the one its stop published (the one before was its will, discarded by the DISCONNECT).
    expect(retained.retain).toBe(true);
    expect(retained.payload.toString()).toBe(leaving.departures.at(-1));
    expect(leaving.departures).toHaveLength(2);
    expect(decodeCloudPresence(retained.payload).session_id).not.toBe(decodeCloudPresence(Buffer.from(leaving.departures[0]!)).session_id);

    const before = staying.received.length;
    await publish(['s-3', 's-4', 's-5', 's-6']);
    await eventually('the staying member to get every later message', () => staying.received.length >= before + 4);
    expect(staying.received.slice(before)).toEqual(['s-3', 's-4', 's-5', 's-6']);
    expect(leaving.received.filter((payload) => payload > 's-2')).toEqual([]);
  });
});
