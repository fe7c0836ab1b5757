import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log/logger.js';
import { dlt645Protocol, type Dlt645Reply, type Dlt645Request } from '../../../edge/drivers/dlt645/dlt645-protocol.js';
import type { BusLink } from '../../../edge/bus/bus-link.js';
import { startDlt645Emulator, type Dlt645Emulator } from '../../../edge/simulator/meters/dlt645/dlt645-meter-emulator.js';
import { createPtyPair, type PtyPair } from '../../support/pty-pair.js';
import { expectBusError } from '../expect-bus-error.js';
import { eventually } from '../../support/net.js';
import { meterDevice, meterProfile, pollOnce, serialBus } from '../meter-harness.js';

/**
 * The dlt645 protocol over a real serial line (a socat pty pair; fails with the install hint if
 * socat is missing) against simulated meters: values, fault injection, and the line going away and
 * coming back. Two lines: one with three meters, one whose meter splits replies into follow-ups.
 */
const METER_A = '123456789012';
const METER_B = '000000000161';
const SPARE = '398192000337'; // for faults
const SOLO = '202107072529';
const profile = meterProfile('dlt645_single_phase_meter');

describe('DL/T 645 over a serial line', () => {
  let pair: PtyPair;
  let emulator: Dlt645Emulator;
  let link: BusLink<Dlt645Request, Dlt645Reply>;
  /** The meters' clock: 2026-11-24 19:30 China time, moved by the tests only. */
  let nowMs = Date.parse('2026-11-24T11:30:00Z');

  beforeAll(async () => {
    pair = await createPtyPair();
    emulator = await startDlt645Emulator({ path: pair.b, meters: [{ address: METER_A, startEnergyKwh: 1234.56 }, METER_B, SPARE], seed: 7, now: () => nowMs });
    link = dlt645Protocol.createLink(serialBus(pair.a, 'dlt645'), silentLogger());
    await link.open();
  });

  afterAll(async () => {
    await link?.close();
    await emulator?.stop();
    await pair?.stop();
  });

  it('polls every point of the profile: the meter\'s values, in their formats', async () => {
    const values = await pollOnce(dlt645Protocol, link, meterDevice(profile, METER_A));
    const shown = emulator.readings(METER_A); // the clock stands still: what the meter showed
    expect(Object.keys(values).sort()).toEqual(['active_power', 'combined_active_energy', 'current', 'forward_active_energy', 'frequency', 'voltage']);
    // Energy counters truncate to 0.01 kWh; instantaneous values round to their format.
    expect(values.forward_active_energy).toBe(Math.floor(shown.importEnergyKwh * 100) / 100);
    expect(values.combined_active_energy).toBe(values.forward_active_energy);
    expect(values.voltage).toBe(Math.round(shown.voltage * 10) / 10);
    expect(values.current).toBe(Math.round(shown.current * 1000) / 1000);
    expect(values.active_power).toBe(Math.round((shown.activePower / 1000) * 10_000) / 10_000);
    expect(values.frequency).toBe(Math.round(shown.frequency * 100) / 100);
    // and believable: 19:30 local, the evening peak of a household
    expect(values.voltage).toBeGreaterThan(205);
    expect(values.voltage).toBeLessThan(235);
    expect(values.active_power).toBeGreaterThan(0.5);
    expect(values.active_power).toBeLessThan(5);
    expect(values.frequency).toBeCloseTo(50, 0);
  });

  it('serves several meters on one line, each at its own address', async () => {
    const a = await pollOnce(dlt645Protocol, link, meterDevice(profile, METER_A));
    const b = await pollOnce(dlt645Protocol, link, meterDevice(profile, METER_B));
    expect(b.forward_active_energy).not.toBe(a.forward_active_energy);
    expect(b.forward_active_energy).toBeCloseTo(emulator.readings(METER_B).importEnergyKwh, 1);
  });

  it('forward energy grows with the household routine: more in the evening than at night', async () => {
    const device = meterDevice(profile, METER_A);
    const energyAfter = async (hours: number): Promise<number> => {
      nowMs += hours * 3_600_000;
      return (await pollOnce(dlt645Protocol, link, device)).forward_active_energy ?? Number.NaN;
    };
    const evening0 = await energyAfter(0);
    const evening1 = await energyAfter(1); // 19:30 -> 20:30 local
    const night0 = await energyAfter(7); // 03:30
    const night1 = await energyAfter(1); // 04:30
    expect(evening1).toBeGreaterThan(evening0);
    expect(night1).toBeGreaterThanOrEqual(night0);
    expect(evening1 - evening0).toBeGreaterThan(3 * (night1 - night0));
  });

  it('an address that never answers times out', async () => {
    await expectBusError(pollOnce(dlt645Protocol, link, meterDevice(profile, '111111111111', 300)), 'timeout');
  });

  it('a garbled reply is a checksum error', async () => {
    emulator.setFault(SPARE, 'garble');
    await expectBusError(pollOnce(dlt645Protocol, link, meterDevice(profile, SPARE)), 'checksum');
  });

  it('a reply with a bad checksum is a checksum error', async () => {
    emulator.setFault(SPARE, 'bad_checksum');
    await expectBusError(pollOnce(dlt645Protocol, link, meterDevice(profile, SPARE)), 'checksum');
  });

  it('noise bytes (68 among them) before a good reply are skipped', async () => {
    emulator.setFault(SPARE, 'noise');
    const values = await pollOnce(dlt645Protocol, link, meterDevice(profile, SPARE));
    expect(values.voltage).toBeGreaterThan(200);
  });

  it('an abnormal reply is an exception carrying ERR 0x02', async () => {
    emulator.setFault(SPARE, 'abnormal');
    const error = await expectBusError(pollOnce(dlt645Protocol, link, meterDevice(profile, SPARE)), 'exception');
    expect(error.exceptionCode).toBe(0x02);
  });

  it('a dead meter next to live ones: the live ones still answer after its timeout', async () => {
    emulator.setFault(SPARE, 'dead');
    await expectBusError(pollOnce(dlt645Protocol, link, meterDevice(profile, SPARE, 300)), 'timeout');
    emulator.setFault(SPARE, 'none');
    const values = await pollOnce(dlt645Protocol, link, meterDevice(profile, SPARE));
    expect(values.voltage).toBeGreaterThan(200);
  });

  it('broadcast time sync goes out to 99..99 and nothing answers', async () => {
    const reply = await link.execute({ kind: 'broadcast_time_sync', time: { year: 2026, month: 11, day: 24, hour: 16, minute: 0, second: 5 }, preambleCount: 4 }, 500);
    expect(reply.frames).toBe(0);
    const synced = await eventually('the meters to take the time', () => emulator.lastTimeSync, 2000);
    expect(synced).toEqual({ year: 2026, month: 11, day: 24, hour: 16, minute: 0, second: 5 });
  });

  it('the port removed: a transaction in flight fails as transport; restored: open() works and polling resumes', async () => {
    // A read to a silent address waits; killing socat must end it as 'transport', not as 'timeout'.
    const pending = link.execute({ kind: 'read', address: '111111111111', di: '00010000', preambleCount: 4 }, 5_000);
    const failed = expectBusError(pending, 'transport');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await pair.stop();
    await failed;
    expect(link.isOpen).toBe(false);
    await expectBusError(link.open(), 'transport');

    await pair.restart();
    await eventually('the link to reopen', async () => {
      await link.open();
      return true;
    });
    expect(link.isOpen).toBe(true);
    const values = await eventually('polling to resume', () => pollOnce(dlt645Protocol, link, meterDevice(profile, METER_A)));
    expect(values.forward_active_energy).toBeGreaterThanOrEqual(1234.56);
  });
});

describe('DL/T 645 follow-up frames and read address over a serial line', () => {
  let pair: PtyPair;
  let emulator: Dlt645Emulator;
  let link: BusLink<Dlt645Request, Dlt645Reply>;

  beforeAll(async () => {
    pair = await createPtyPair();
    // One value byte per frame: a 4-byte energy comes as 0xB1 + 0xB2 + 0xB2 + 0x92.
    emulator = await startDlt645Emulator({ path: pair.b, meters: [{ address: SOLO, startEnergyKwh: 317.76 }], maxValueBytesPerFrame: 1, delay: { minMs: 20, maxMs: 25 } });
    link = dlt645Protocol.createLink(serialBus(pair.a, 'dlt645'), silentLogger());
    await link.open();
  });

  afterAll(async () => {
    await link?.close();
    await emulator?.stop();
    await pair?.stop();
  });

  it('merges the follow-up frames of a long reply', async () => {
    const reply = await link.execute({ kind: 'read', address: SOLO, di: '00010000', preambleCount: 4 }, 1000);
    expect(reply.frames).toBe(4);
    expect(reply.data.length).toBe(4);
    const [step] = dlt645Protocol.planPoll(meterDevice(profile, SOLO)).filter((s) => s.points.includes('forward_active_energy'));
    expect(step?.decode(reply)[0]?.raw).toBeGreaterThanOrEqual(317.76);
  });

  it('reads the address of the only meter on the line with the all-AA wildcard', async () => {
    const reply = await link.execute({ kind: 'read_address', preambleCount: 4 }, 1000);
    expect(reply.address).toBe(SOLO);
  });
});
