import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, CLOUD_PRESENCE_TOPIC, DOWNLINK_CHANNELS, TOPIC_ROOT, UPLINK_CHANNELS, gatewayClientId, subscriptionFor, topicFor } from '../../shared/contract/index.js';
import { CLOUD_MAX_PACKET_BYTES } from '../../cloud/broker/embedded-cloud-broker.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { CLOUD_BROKERS, type CloudBrokerUnderTest } from './cloud-brokers.js';
import { payloadForPacketBytes, Probe, refusedConnect, type Login } from './mqtt-probe.js';

/**
 * Who the cloud broker admits, and to what: one suite run against both brokers the product ships,
 * so the Mosquitto ACL in deploy/ and the embedded broker's rules (cloud/broker/broker-access.ts)
 * cannot drift apart. A message that must not arrive is followed by a marker that may, sent after
 * the broker has dealt with the first: the marker's arrival proves the first had its chance.
 */
for (const kind of CLOUD_BROKERS) {
  describe(`cloud broker access: ${kind.name}`, () => {
    const victim = uniqueSlug('gw-victim');
    const intruder = uniqueSlug('gw-intruder');
    let broker: CloudBrokerUnderTest;
    let cloud: Probe;
    const opened: Probe[] = [];

    beforeAll(async () => {
      broker = await kind.start([victim, intruder]);
      // Subscribed as the cloud's ingest is: every gateway's uplink channels.
      cloud = await Probe.connect(broker.url, broker.service);
      for (const channel of UPLINK_CHANNELS) expect(await cloud.subscribe(subscriptionFor(channel))).toBe('granted');
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((probe) => probe.close()));
    });

    afterAll(async () => {
      await cloud?.close();
      await broker?.stop();
    });

    const loginOf = (gatewayId: string, clientId = gatewayClientId(gatewayId)): Login => ({ username: gatewayId, password: broker.gatewayPasswords[gatewayId]!, clientId });

    async function connectGateway(gatewayId: string, clientId?: string): Promise<Probe> {
      const probe = await Probe.connect(broker.url, loginOf(gatewayId, clientId));
      opened.push(probe);
      return probe;
    }

    /** A message the cloud must see from the intruder, on a connection that is still up or a new one. */
    async function intruderMarker(probe: Probe): Promise<void> {
      const sender = probe.connected ? probe : await connectGateway(intruder);
      const marker = `marker-${uniqueSlug('m')}`;
      expect(await sender.publish(topicFor(intruder, 'status'), marker)).toBe('acknowledged');
      await cloud.waitFor(marker);
    }

    it('refuses a wrong password, an unknown gateway and an anonymous client', async () => {
      expect(await refusedConnect(broker.url, { ...loginOf(victim), password: 'not-the-password' })).toMatch(/bad username or password|not authorized/i);
      const stranger = uniqueSlug('gw-stranger');
      expect(await refusedConnect(broker.url, { username: stranger, password: 'pw-stranger', clientId: gatewayClientId(stranger) })).toMatch(/bad username or password|not authorized/i);
      expect(await refusedConnect(broker.url, { clientId: uniqueSlug('anonymous') })).toMatch(/not authorized|bad username or password/i);
    });

    it('admits the password a rotation through the registry issued, and refuses the one it replaced, from the next connect', async () => {
      const replaced = broker.gatewayPasswords[intruder]!;
      await broker.rotate(intruder);
      expect(broker.gatewayPasswords[intruder]).not.toBe(replaced);
      expect(await refusedConnect(broker.url, { ...loginOf(intruder), password: replaced })).toMatch(/bad username or password|not authorized/i);
      const gateway = await connectGateway(intruder);
      const up = `rotated-${uniqueSlug('u')}`;
      expect(await gateway.publish(topicFor(intruder, 'alerts'), up)).toBe('acknowledged');
      expect((await cloud.waitFor(up)).topic).toBe(topicFor(intruder, 'alerts'));
    });

    it("delivers a gateway's own uplink to the cloud and the cloud's downlink to that gateway", async () => {
      const gateway = await connectGateway(victim);
      expect(await gateway.subscribe(topicFor(victim, 'receipts'))).toBe('granted');
      expect(await gateway.subscribe(topicFor(victim, 'config'))).toBe('granted');
      const up = `up-${uniqueSlug('u')}`;
      expect(await gateway.publish(topicFor(victim, 'alerts'), up)).toBe('acknowledged');
      expect((await cloud.waitFor(up)).topic).toBe(topicFor(victim, 'alerts'));
      const down = `down-${uniqueSlug('d')}`;
      expect(await cloud.publish(topicFor(victim, 'receipts'), down)).toBe('acknowledged');
      expect((await gateway.waitFor(down)).topic).toBe(topicFor(victim, 'receipts'));
    });

    it("refuses a gateway's publish under another gateway's id, on every channel", async () => {
      const victimGateway = await connectGateway(victim);
      for (const channel of DOWNLINK_CHANNELS) expect(await victimGateway.subscribe(topicFor(victim, channel))).toBe('granted');
      const forgeries: string[] = [];
      for (const channel of CHANNELS) {
        const probe = await connectGateway(intruder);
        const forged = `forged-${channel}-${uniqueSlug('f')}`;
        forgeries.push(forged);
        await probe.publish(topicFor(victim, channel), forged);
        await intruderMarker(probe);
      }
      const marker = `marker-${uniqueSlug('m')}`;
      expect(await cloud.publish(topicFor(victim, 'receipts'), marker)).toBe('acknowledged');
      await victimGateway.waitFor(marker);
      const seen = [...cloud.received, ...victimGateway.received].map((message) => message.payload);
      expect(forgeries.filter((forged) => seen.includes(forged))).toEqual([]);
    });

    it("lets every gateway read the cloud's presence and only the cloud write it", async () => {
      const reader = await connectGateway(victim);
      expect(await reader.subscribe(CLOUD_PRESENCE_TOPIC)).toBe('granted');
      const forger = await connectGateway(intruder);
      // A forged presence would make every gateway resend what awaits a receipt at once.
      const forged = `forged-presence-${uniqueSlug('p')}`;
      await forger.publish(CLOUD_PRESENCE_TOPIC, forged, { retain: true });
      await intruderMarker(forger);
      const presence = `presence-${uniqueSlug('p')}`;
      expect(await cloud.publish(CLOUD_PRESENCE_TOPIC, presence, { retain: true })).toBe('acknowledged');
      await reader.waitFor(presence);
      expect(reader.received.map((message) => message.payload)).toEqual([presence]);
      await cloud.publish(CLOUD_PRESENCE_TOPIC, '', { retain: true });
    });

    /**
     * Sends the victim's traffic past an intruder that tried to subscribe: a receipt from the cloud
     * and an alert the cloud reads, then a marker on the intruder's own receipts. Resolves, once the
     * marker is in, with everything else the intruder received.
     */
    async function interceptedBy(probe: Probe): Promise<string[]> {
      const listener = probe.connected ? probe : await connectGateway(intruder);
      expect(await listener.subscribe(topicFor(intruder, 'receipts'))).toBe('granted');
      expect(await cloud.publish(topicFor(victim, 'receipts'), `receipt-${uniqueSlug('r')}`)).toBe('acknowledged');
      const victimUplink = await connectGateway(victim);
      const alert = `alert-${uniqueSlug('a')}`;
      expect(await victimUplink.publish(topicFor(victim, 'alerts'), alert)).toBe('acknowledged');
      await cloud.waitFor(alert);
      const marker = `marker-${uniqueSlug('m')}`;
      expect(await cloud.publish(topicFor(intruder, 'receipts'), marker)).toBe('acknowledged');
      await listener.waitFor(marker);
      return [...new Set([...probe.received, ...listener.received].map((message) => message.payload))].filter((payload) => payload !== marker);
    }

    it("keeps another gateway's config, receipts and uplink from a gateway, whatever it subscribes to", async () => {
      const config = `config-${uniqueSlug('c')}`;
      expect(await cloud.publish(topicFor(victim, 'config'), config, { retain: true })).toBe('acknowledged');
      const probe = await connectGateway(intruder);
      const answers: string[] = [];
      for (const filter of [topicFor(victim, 'config'), topicFor(victim, 'receipts'), topicFor(victim, 'alerts'), 'estatecare/#', '#', `${TOPIC_ROOT}/+/receipts`]) {
        answers.push(probe.connected ? await probe.subscribe(filter) : 'cut off');
      }
      expect(await interceptedBy(probe)).toEqual([]);
      expect(answers).toEqual(answers.map(() => kind.forbiddenSubscriptionAnswer));
      await cloud.publish(topicFor(victim, 'config'), '', { retain: true });
    });

    it('lets nobody but the cloud subscribe to estatecare/#', async () => {
      const probe = await connectGateway(intruder);
      const answer = await probe.subscribe('estatecare/#');
      expect(await interceptedBy(probe)).toEqual([]);
      expect(answer).toBe(kind.forbiddenSubscriptionAnswer);
    });

    it(`refuses a packet over ${CLOUD_MAX_PACKET_BYTES} bytes and takes one of exactly that size`, async () => {
      const gateway = await connectGateway(intruder);
      const topic = topicFor(intruder, 'telemetry');
      const largest = payloadForPacketBytes(topic, CLOUD_MAX_PACKET_BYTES);
      expect(await gateway.publish(topic, largest)).toBe('acknowledged');
      await cloud.waitFor(largest.toString('utf8'));

      const oversize = payloadForPacketBytes(topic, CLOUD_MAX_PACKET_BYTES + 1);
      expect(await gateway.publish(topic, oversize)).toBe('cut off');
      await intruderMarker(gateway);
      expect(cloud.received.filter((message) => message.payload.length === oversize.length)).toEqual([]);
    });

    it("refuses a gateway that takes another gateway's client id: the victim stays connected", async () => {
      const gateway = await connectGateway(victim);
      const lost = gateway.closed.then(() => 'victim cut off');
      // Refused outright (embedded), or admitted under its own username as client id (Mosquitto).
      await Probe.connect(broker.url, loginOf(intruder, gatewayClientId(victim))).then(
        (taker) => opened.push(taker),
        () => undefined,
      );
      const roundTrip = `alive-${uniqueSlug('v')}`;
      const answer = await Promise.race([gateway.publish(topicFor(victim, 'status'), roundTrip), lost]);
      expect(answer).toBe('acknowledged');
      await cloud.waitFor(roundTrip);
      expect(gateway.connected).toBe(true);
    });

    it("refuses a gateway that takes the cloud's client id: the cloud stays connected", async () => {
      const lost = cloud.closed.then(() => 'cloud cut off');
      await Probe.connect(broker.url, loginOf(intruder, broker.service.clientId)).then(
        (taker) => opened.push(taker),
        () => undefined,
      );
      const gateway = await connectGateway(intruder);
      const roundTrip = `alive-${uniqueSlug('c')}`;
      expect(await gateway.publish(topicFor(intruder, 'status'), roundTrip)).toBe('acknowledged');
      expect(await Promise.race([cloud.waitFor(roundTrip).then(() => 'received'), lost])).toBe('received');
      expect(cloud.connected).toBe(true);
    });
  });
}
