import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicFor, type AlertItem } from '../../shared/contract/index.js';
import type { Gateway } from '../../edge/gateway.js';
import { ContractObserver, on } from './mqtt-observer.js';
import { ObservedGateway } from './observed-gateway.js';
import type { TestDeviceFleet } from '../support/device-logins.js';

/**
 * The walking skeleton end to end on the edge side: device -> embedded local broker -> driver ->
 * rules -> outbox -> uplink -> the real Mosquitto, decoded with the shared wire contract.
 */
describe('gateway against Mosquitto', () => {
  let rig: ObservedGateway;
  let gatewayId: string;
  let observer: ContractObserver;
  let gateway: Gateway;
  let devices: TestDeviceFleet;
  let alerts: readonly AlertItem[];

  beforeAll(async () => {
    rig = await ObservedGateway.start({
      idPrefix: 'test-gw',
      statusIntervalS: 60,
      devices: [
        { id: 'lift-b1-a', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-b1-a' }, mqtt: { topic: 'estate/b1/lift-a' } },
        { id: 'door-b1-main', profile: 'door_controller_generic', subject: { kind: 'asset', id: 'b1-entrance' }, mqtt: { topic: 'estate/b1/door-main' } },
        { id: 'door-b1-1203', profile: 'door_controller_generic', subject: { kind: 'unit', id: 'hh-7f3a' }, mqtt: { topic: 'estate/b1/1203/door' } },
      ],
    });
    ({ gatewayId, observer, gateway, devices, alerts } = rig);
  });

  afterAll(() => rig?.close());

  it('says it is online in a retained status', async () => {
    const status = await observer.waitFor(on('status', (m) => m.message.status.online), 'online status');
    expect(status.message).toMatchObject({ schema_version: 1, gateway_id: gatewayId, status: { online: true, config_version: null, buses: [] } });
    const late = await ContractObserver.watch(`late-${gatewayId}`, topicFor(gatewayId, 'status'));
    const retained = await late.waitFor(on('status', (m) => m.retained), 'retained status');
    expect(retained.message.status.online).toBe(true);
    await late.close();
  });

  it('turns a lift alarm payload into an alert and an event upstream', async () => {
    const time = new Date().toISOString();
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', JSON.stringify({ time, seq: 1, car_status: 0, door_zone: 2, door_status: 1, passenger_status: 1, car_position: 7 }));
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', JSON.stringify({ time, seq: 2, event_code: 90 }));

    const alertMessage = await observer.waitFor(on('alerts'), 'an alerts envelope');
    expect(alertMessage.message.items[0]).toMatchObject({
      rule: 'lift_entrapment',
      state: 'raised',
      category: 'lift_entrapment',
      severity: 'critical',
      subject: { kind: 'asset', id: 'lift-b1-a' },
      event_time: time,
    });
    expect(alerts.map((a) => a.state)).toEqual(['raised']);

    const eventsMessage = await observer.waitFor(on('events', (m) => m.message.items.some((i) => i.type === 'lift_alarm_button')), 'the alarm event');
    expect(eventsMessage.message.gateway_id).toBe(gatewayId);
    await observer.waitFor(on('telemetry', (m) => m.message.items.some((i) => i.point === 'door_zone')), 'lift telemetry');
    expect(alertMessage.message.seq).toBeLessThan(eventsMessage.message.seq);
  });

  it('sends gate events without card numbers and keeps household events home', async () => {
    const time = new Date().toISOString();
    await devices.publish('door-b1-1203', 'estate/b1/1203/door', JSON.stringify({ serial_no: 1, major: 5, minor: 0x19, time }));
    await devices.publish('door-b1-main', 'estate/b1/door-main', JSON.stringify({ serial_no: 77, major: 5, minor: 0x01, time, card_no: '5550123' }));
    const message = await observer.waitFor(on('events', (m) => m.message.items.some((i) => i.type === 'credential_granted')), 'the gate event');
    const granted = message.message.items.find((i) => i.type === 'credential_granted');
    expect(granted?.attributes).toEqual({ credential_type: 'card' });
    expect(observer.messages.some((m) => m.channel === 'events' && m.message.items.some((i) => i.device_id === 'door-b1-1203'))).toBe(false);
    expect(gateway.stats().withheld_events).toBe(1);
  });

  it('refuses malformed device payloads, counts them, and keeps going', async () => {
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', '{"seq": 3, "event_code": ');
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', JSON.stringify({ seq: 4, hello: 'world' }));
    await devices.publish('lift-b1-a', 'estate/b1/lift-a', JSON.stringify({ time: new Date().toISOString(), seq: 5, car_status: 0, door_zone: 1, door_status: 2, passenger_status: 1 }));
    await observer.waitFor(on('alerts', (m) => m.message.items[0]?.state === 'cleared'), 'the cleared alert');
    expect(gateway.stats()).toMatchObject({ rejected: { not_json: 1, no_content: 1 }, alerts: 2 });
  });

  it('publishes a retained offline status when it stops', async () => {
    await gateway.stop();
    const offline = await observer.waitFor(on('status', (m) => !m.message.status.online), 'offline status');
    expect(offline.message.status).toEqual({ online: false, reason: 'shutdown' });
    const late = await ContractObserver.watch(`late2-${gatewayId}`, topicFor(gatewayId, 'status'));
    const retained = await late.waitFor(on('status', (m) => m.retained), 'retained status');
    expect(retained.message.status).toEqual({ online: false, reason: 'shutdown' });
    await late.close();
  });
});
