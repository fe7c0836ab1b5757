import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import { BusScheduler, type PollListener } from '../../edge/bus/bus-scheduler.js';
import type { PolledDevice } from '../../edge/bus/polled-device.js';
import type { PolledProtocol, RawPointValue } from '../../edge/bus/polled-protocol.js';
import type { Availability } from '../../edge/drivers/driver.js';
import type { PolledDeviceProfile } from '../../edge/profiles/polled-profile.js';
import { fieldBus } from './field-bus.js';
import { eventually } from '../support/net.js';
import { ScriptedLink, type ScriptedRequest } from './scripted-link.js';

const bus = fieldBus({ id: 'rs485-test', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', max_pending_writes: 2, device_backoff_max_s: 1 });

function protocolOver(link: ScriptedLink): PolledProtocol<ScriptedRequest, number> {
  return {
    name: 'scripted',
    typicalTurnaroundMs: 1,
    createLink: () => link,
    planPoll: (device) =>
      [0, 1].map((step) => ({
        request: { device: device.id, step },
        points: [`p${step}`],
        decode: (reply: number): RawPointValue[] => [{ point: `p${step}`, raw: reply }],
      })),
    planWrite: (device, write) => ({ request: { device: device.id, step: 100 }, points: [write.point], decode: () => [] }),
  };
}

function device(id: string, pollIntervalMs: number, timeoutMs = 100): PolledDevice {
  return { id, subject: { kind: 'asset', id }, profile: {} as PolledDeviceProfile, busId: bus.id, address: '1', pollIntervalMs, timeoutMs, retries: 1 };
}

class Recorder implements PollListener {
  readonly polls = new Map<string, RawPointValue[][]>();
  readonly availability_ = new Map<string, Availability[]>();
  polled(d: PolledDevice, values: RawPointValue[]): void {
    this.polls.set(d.id, [...(this.polls.get(d.id) ?? []), values]);
  }
  availability(deviceId: string, availability: Availability): void {
    this.availability_.set(deviceId, [...(this.availability_.get(deviceId) ?? []), availability]);
  }
  count(deviceId: string): number {
    return this.polls.get(deviceId)?.length ?? 0;
  }
  last(deviceId: string): Availability | undefined {
    return this.availability_.get(deviceId)?.at(-1);
  }
}

describe('bus scheduler', () => {
  let scheduler: BusScheduler<ScriptedRequest, number> | undefined;
  afterEach(async () => scheduler?.stop());

  function start(link: ScriptedLink, recorder: Recorder, devices: PolledDevice[]): BusScheduler<ScriptedRequest, number> {
    scheduler = new BusScheduler(bus, protocolOver(link), recorder, systemClock, silentLogger());
    for (const d of devices) scheduler.addDevice(d);
    void scheduler.start();
    return scheduler;
  }

  it('keeps exactly one transaction in flight and reads every step of a poll', async () => {
    const link = new ScriptedLink();
    for (const id of ['m1', 'm2', 'm3']) link.behaviours.set(id, { kind: 'answers', value: 10, delayMs: 3 });
    const recorder = new Recorder();
    start(link, recorder, [device('m1', 20), device('m2', 20), device('m3', 20)]);
    await eventually('ten polls of each device', () => ['m1', 'm2', 'm3'].every((id) => recorder.count(id) >= 10));
    expect(link.maxInFlight).toBe(1);
    expect(recorder.polls.get('m1')?.[0]).toEqual([{ point: 'p0', raw: 10 }, { point: 'p1', raw: 11 }]);
    expect(recorder.last('m1')).toEqual({ online: true });
  });

  it('backs a dead device off so its neighbours keep their poll rate', async () => {
    const link = new ScriptedLink();
    link.behaviours.set('alive', { kind: 'answers', value: 1 });
    link.behaviours.set('dead', { kind: 'silent' });
    const recorder = new Recorder();
    const s = start(link, recorder, [device('alive', 50), device('dead', 50, 150)]);
    // Counted in polls of the healthy meter, not in time: 60 of them are 3 s of its 50 ms interval.
    await eventually('60 polls of the healthy meter', () => recorder.count('alive') >= 60);
    await s.stop(); // lets a probe in flight finish, so the counters below are final
    // Backoff 50, 100, 200, 400, 800, then capped at device_backoff_max_s = 1 s: the first poll with its
    // retry and one probe per backoff period, about 7 asks over those 60 polls. Without the backoff the
    // dead meter is probed every 50 ms it is not timing out: about 30 asks over the same 60 polls.
    expect(link.asked('dead')).toBeLessThanOrEqual(12);
    expect(recorder.last('dead')).toEqual({ online: false, reason: 'no_response' });
    expect(s.countersSnapshot()).toMatchObject({ devices: 2, devices_offline: 1 });
    expect(s.countersSnapshot().timeouts).toBe(link.asked('dead'));
  });

  it('counts an exception reply and keeps the device online; retries and counts garbled replies', async () => {
    const link = new ScriptedLink();
    link.behaviours.set('refuser', { kind: 'exception', code: 2 });
    link.behaviours.set('noisy', { kind: 'garbled' });
    const recorder = new Recorder();
    start(link, recorder, [device('refuser', 30), device('noisy', 30)]);
    await eventually('a few polls', () => link.asked('refuser') >= 4 && link.asked('noisy') >= 4);
    const counters = scheduler!.countersSnapshot();
    expect(counters.exception_replies).toBeGreaterThanOrEqual(4);
    expect(counters.checksum_errors).toBeGreaterThanOrEqual(4);
    // Both answered something: alive, just not usefully.
    expect(recorder.last('refuser')).toEqual({ online: true });
    expect(recorder.last('noisy')).toEqual({ online: true });
    expect(recorder.count('refuser')).toBe(0);
  });

  it('marks the bus unavailable when its port disappears, and resumes when it returns', async () => {
    const link = new ScriptedLink();
    link.behaviours.set('m1', { kind: 'answers', value: 5 });
    const recorder = new Recorder();
    start(link, recorder, [device('m1', 20)]);
    await eventually('polls', () => recorder.count('m1') >= 3);
    link.portPresent = false;
    await eventually('the device offline because of the bus', () => recorder.last('m1')?.online === false);
    expect(recorder.last('m1')).toEqual({ online: false, reason: 'bus_unavailable' });
    const pollsWhileAway = recorder.count('m1');
    const roundsBefore = scheduler!.completedRounds;
    // Three more rounds of the loop, each a failed reopen and its backoff: any of them could have polled.
    await eventually('three more rounds of the bus loop', () => scheduler!.completedRounds >= roundsBefore + 3);
    expect(recorder.count('m1')).toBe(pollsWhileAway);
    link.portPresent = true;
    await eventually('polling to resume after the port came back', () => recorder.count('m1') > pollsWhileAway + 2, 10_000);
    expect(recorder.last('m1')).toEqual({ online: true });
    expect(link.opens).toBeGreaterThanOrEqual(2);
    expect(scheduler!.countersSnapshot().transport_errors).toBeGreaterThanOrEqual(1);
  });

  it('sends writes before polls and refuses, never drops, a write beyond the queue bound', async () => {
    const link = new ScriptedLink();
    link.behaviours.set('m1', { kind: 'answers', value: 1, delayMs: 50 });
    const recorder = new Recorder();
    const s = start(link, recorder, [device('m1', 1000)]);
    await eventually('the first poll', () => recorder.count('m1') >= 1);
    const writes = [0, 1, 2].map((i) => s.write({ deviceId: 'm1', point: 'p0', raw: i }).then(() => 'done', (error: Error) => error.message));
    const results = await Promise.all(writes);
    // max_pending_writes is 2: the third is refused at once with the reason.
    expect(results.filter((r) => r === 'done')).toHaveLength(2);
    expect(results.find((r) => r !== 'done')).toMatch(/writes waiting already/);
    expect(s.countersSnapshot().writes_refused).toBe(1);
  });
});
