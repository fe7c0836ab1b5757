import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toWireTime, type AlertItem } from '../../shared/contract/index.js';
import { ManualClock } from '../../shared/time/clock.js';
import { DEVICE_CLOCK_TOLERANCE_MS, MAX_DEVICE_EVENT_AGE_MS } from '../../edge/drivers/event-time.js';
import type { CanonicalEvent, ReadingFrame } from '../../edge/model/device-data.js';
import { LatestDeviceStamps } from '../../edge/pipeline/latest-device-stamps.js';
import { CLOCK_OFFSET_ATTRIBUTE, stampEvent, stampFrame } from '../../edge/pipeline/receive-time.js';
import { LIFT, T0 } from './edge-fixtures.js';
import { on } from './mqtt-observer.js';
import { ObservedGateway } from './observed-gateway.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const press = (at: number): CanonicalEvent => ({ id: 'press-0001', device_id: LIFT.id, subject: LIFT.subject, type: 'lift_alarm_button', event_time: toWireTime(at), attributes: { floor: 3 } });
const frameAt = (at: number): ReadingFrame => ({
  device_id: LIFT.id,
  subject: LIFT.subject,
  event_time: toWireTime(at),
  readings: [{ id: 'reading-0001', device_id: LIFT.id, point: 'car_status', value: 0, unit: 'bool', event_time: toWireTime(at) }],
});

describe('event time judged against the gateway clock at receipt', () => {
  it.each([
    ['a reset RTC', Date.parse('2000-01-01T00:00:00Z')],
    ['the year 9999', Date.parse('9999-12-31T00:00:00Z')],
    ['a clock 4 minutes fast', T0 + 4 * MINUTE],
    [`a clock just over ${DEVICE_CLOCK_TOLERANCE_MS} ms fast`, T0 + DEVICE_CLOCK_TOLERANCE_MS + 1],
    ['older than the backlog limit', T0 - MAX_DEVICE_EVENT_AGE_MS - 1],
  ])('stamps data of %s by receive time, with the offset on the event', (_label, deviceMs) => {
    const event = stampEvent(press(deviceMs), T0);
    expect(event.wrongByMs).toBe(deviceMs - T0);
    expect(event.item).toMatchObject({ id: 'press-0001', event_time: toWireTime(T0), attributes: { floor: 3, [CLOCK_OFFSET_ATTRIBUTE]: Math.round((deviceMs - T0) / 100) / 10 } });
    const frame = stampFrame(frameAt(deviceMs), T0);
    expect(frame.item.event_time).toBe(toWireTime(T0));
    expect(frame.item.readings.map((reading) => reading.event_time)).toEqual([toWireTime(T0)]);
  });

  it('believes a clock within the tolerance, but never dates data after its receipt', () => {
    const ahead = stampEvent(press(T0 + DEVICE_CLOCK_TOLERANCE_MS), T0);
    expect(ahead).toEqual({ item: { ...press(T0), attributes: { floor: 3 } }, wrongByMs: null });
    const behind = stampFrame(frameAt(T0 - 3 * SECOND), T0);
    expect(behind).toEqual({ item: frameAt(T0 - 3 * SECOND), wrongByMs: null });
  });

  it("keeps a device's order among stamps ahead of their receipt that arrive at one instant", () => {
    const stamps = new LatestDeviceStamps();
    const timeOf = (stamped: { item: { event_time: string } }): number => Date.parse(stamped.item.event_time);
    // A monitor 5 ms fast flushes a press, a frame and the release, 1 ms apart by its clock, read at T0.
    const pressed = stampEvent(press(T0 + 3), T0, stamps);
    const sameMessage = stampFrame(frameAt(T0 + 3), T0 + 1, stamps);
    const released = stampFrame(frameAt(T0 + 4), T0, stamps);
    const later = stampFrame(frameAt(T0 + 5), T0, stamps);
    expect([pressed, sameMessage, released, later].map(timeOf)).toEqual([T0, T0, T0 + 1, T0 + 2]);
    expect([pressed, sameMessage, released, later].map((stamped) => stamped.wrongByMs)).toEqual([null, null, null, null]);
    // Never past the device's own stamp; an older stamp is the receive time or its own, and moves nothing.
    expect(timeOf(stampFrame(frameAt(T0 + 3), T0, stamps))).toBe(T0);
    expect(timeOf(stampFrame(frameAt(T0 + 6), T0, stamps))).toBe(T0 + 3);
    expect(timeOf(stampFrame(frameAt(T0 + 7), T0 + 10, stamps))).toBe(T0 + 7);
    // Another device's stamps are judged on their own.
    expect(timeOf(stampEvent({ ...press(T0 + 8), device_id: 'lift-other' }, T0 + 7, stamps))).toBe(T0 + 7);
  });
});

/**
 * One lift monitor with a fast clock must not move time for the rules of every other device: a
 * gateway on a clock the test holds, two MQTT lifts, the uplink to the real Mosquitto.
 */
describe('a device whose clock is wrong', () => {
  const clock = new ManualClock(T0);
  let rig: ObservedGateway;
  let nextAlert: ((alert: AlertItem) => void) | null = null;

  beforeAll(async () => {
    rig = await ObservedGateway.start({
      idPrefix: 'test-clock',
      statusIntervalS: 1,
      clock,
      devices: ['lift-a', 'lift-b'].map((id) => ({ id, profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id }, mqtt: { topic: `estate/${id}` } })),
      onAlert: (alert) => nextAlert?.(alert),
    });
  });

  afterAll(() => rig?.close());

  /** Resolves on its PUBACK: the gateway has taken it in, rules included. */
  const publish = (lift: string, body: Record<string, unknown>): Promise<unknown> => rig.devices.publish(lift, `estate/${lift}`, JSON.stringify(body));
  /** Stopped between floors (door_zone 2: not in the zone) with someone inside: 15 s to an entrapment. */
  const trapped = { car_status: 0, door_zone: 2, door_status: 1, passenger_status: 1, car_position: 3 };

  it("cannot fire another lift's entrapment timer early, and is reported in the status", async () => {
    await publish('lift-a', { time: toWireTime(T0), seq: 1, ...trapped });
    // lift-b's clock is 4 minutes fast: before, engine time jumped 4 minutes and lift-a's timer fired.
    await publish('lift-b', { time: toWireTime(T0 + 4 * MINUTE), seq: 1, car_status: 1, passenger_status: 2 });
    expect(rig.alerts).toEqual([]);
    expect(rig.gateway.stats().restamped).toBe(1);

    const status = await rig.observer.waitFor(on('status', (m) => m.message.status.online && (m.message.status.device_clocks ?? []).length > 0), 'a status naming the wrong clock');
    expect(status.message.status).toMatchObject({ device_clocks: [{ device_id: 'lift-b', offset_s: 240, since: toWireTime(T0), restamped: 1 }] });

    // The gateway's clock reaches lift-a's limit: its tick raises the entrapment then, at its time.
    const raised = new Promise<AlertItem>((resolve) => (nextAlert = resolve));
    clock.set(T0 + 15 * SECOND);
    expect(await raised).toMatchObject({ rule: 'lift_entrapment', subject: { id: 'lift-a' }, state: 'raised', event_time: toWireTime(T0 + 15 * SECOND) });
  });

  it('never sends an event or alert dated in the year 9999; the event says how far off the clock was', async () => {
    clock.set(T0 + MINUTE);
    await publish('lift-b', { time: '9999-12-31T00:00:00.000Z', seq: 2, event_code: 90 });
    const raised = rig.alerts.find((alert) => alert.subject.id === 'lift-b');
    expect(raised).toMatchObject({ state: 'raised', event_time: toWireTime(T0 + MINUTE) });
    const sent = await rig.observer.waitFor(on('events', (m) => m.message.items.some((item) => item.device_id === 'lift-b')), 'the event of lift-b');
    const event = sent.message.items.find((item) => item.device_id === 'lift-b');
    expect(event?.event_time).toBe(toWireTime(T0 + MINUTE));
    expect(event?.attributes[CLOCK_OFFSET_ATTRIBUTE]).toBeGreaterThan(7000 * 365 * 86_400) // some 7,970 years, in seconds;
  });

  it('leaves the status once its clock is right again', async () => {
    await publish('lift-b', { time: toWireTime(T0 + MINUTE), seq: 3, car_status: 1, passenger_status: 2 });
    clock.set(T0 + MINUTE + SECOND); // a new status with a later uptime
    const status = await rig.observer.waitFor(
      on('status', (m) => m.message.status.online && m.message.status.uptime_s > 60 && m.message.status.device_clocks?.length === 0),
      'a status with no wrong clock',
    );
    expect(status.message.status).toMatchObject({ online: true, device_clocks: [] });
  });
});
