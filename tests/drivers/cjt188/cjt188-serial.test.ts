import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log/logger.js';
import { cjt188Protocol, type Cjt188Reply, type Cjt188Request } from '../../../edge/drivers/cjt188/cjt188-protocol.js';
import type { BusLink } from '../../../edge/bus/bus-link.js';
import { UNIT_CODE_LITRE } from '../../../edge/drivers/cjt188/cjt188-units.js';
import { startCjt188Emulator, type Cjt188Emulator } from '../../../edge/simulator/meters/cjt188/cjt188-meter-emulator.js';
import { createPtyPair, type PtyPair } from '../../support/pty-pair.js';
import { expectBusError } from '../expect-bus-error.js';
import { eventually } from '../../support/net.js';
import { meterDevice, meterProfile, pollOnce, serialBus } from '../meter-harness.js';

/**
 * The cjt188 protocol over a real serial line (socat pty pair; fails with the install hint if socat
 * is missing) against simulated cold water meters: values, vendor variants (DI order, unit code,
 * ST layout), fault injection, and the line going away and coming back.
 */
const W_M3 = '00201510270588';
const W_LITRE = '00002020120218';
const W_XIJUNZHOU = '78330011223344';
const SPARE = '78331505900569';
const profile = meterProfile('cjt188_cold_water_meter');
/** xijunzhou cj188.h: valve under 0xC0 (00 open, 40 closed, C0 abnormal), battery 0x20 (edge/drivers/cjt188/README.md, status word). */
const XIJUNZHOU_STATUS = { valve_mask: 0xc0, valve_shift: 6, valve_values: { 0: 'open', 1: 'closed', 3: 'abnormal' }, battery_mask: 0x20 };

describe('CJ/T 188 over a serial line', () => {
  let pair: PtyPair;
  let emulator: Cjt188Emulator;
  let link: BusLink<Cjt188Request, Cjt188Reply>;
  /** The meters' clock: 2026-11-24 06:00 China time, before the morning shower; moved by the tests only. */
  let nowMs = Date.parse('2026-11-23T22:00:00Z');

  beforeAll(async () => {
    pair = await createPtyPair();
    emulator = await startCjt188Emulator({
      path: pair.b,
      meters: [
        { address: W_M3, startVolumeM3: 123.45 },
        { address: W_LITRE, startVolumeM3: 2, unitCode: UNIT_CODE_LITRE },
        {
          address: W_XIJUNZHOU,
          statusLayout: {
            byte: 0,
            valveMask: 0xc0,
            valveShift: 6,
            valveValues: new Map([
              [0, 'open'],
              [1, 'closed'],
              [3, 'abnormal'],
            ]),
            batteryMask: 0x20,
          },
        },
        SPARE,
      ],
      seed: 11,
      now: () => nowMs,
    });
    link = cjt188Protocol.createLink(serialBus(pair.a, 'cjt188'), silentLogger());
    await link.open();
  });

  afterAll(async () => {
    await link?.close();
    await emulator?.stop();
    await pair?.stop();
  });

  it('polls a meter: volumes in m3, valve open, battery normal', async () => {
    const values = await pollOnce(cjt188Protocol, link, meterDevice(profile, W_M3));
    const shown = emulator.readings(W_M3);
    expect(values).toEqual({
      current_volume: Math.floor(shown.volumeM3 * 100) / 100,
      settlement_volume: Math.floor(shown.settlementVolumeM3 * 100) / 100,
      valve_state: 0,
      battery_low: 0,
    });
    expect(values.current_volume).toBeGreaterThanOrEqual(123.45);
    expect(values.settlement_volume).toBeLessThan(values.current_volume ?? 0);
  });

  it('requests with DI 1F 90 (di_order low_first) are answered and read the same', async () => {
    const lowFirst = meterProfile('cjt188_cold_water_meter', { di_order: 'low_first' });
    const values = await pollOnce(cjt188Protocol, link, meterDevice(lowFirst, W_M3));
    expect(values.current_volume).toBe(Math.floor(emulator.readings(W_M3).volumeM3 * 100) / 100);
  });

  it('a meter counting in litres (unit 0x29) reads in m3', async () => {
    const values = await pollOnce(cjt188Protocol, link, meterDevice(profile, W_LITRE));
    const litres = Math.floor(emulator.readings(W_LITRE).volumeM3 * 1000 * 100) / 100;
    expect(values.current_volume).toBeCloseTo(litres / 1000, 9);
  });

  it('valve closed and battery low are read through the profile ST layout, default and xijunzhou', async () => {
    emulator.meter(W_M3).valve = 'closed';
    emulator.meter(W_M3).batteryLow = true;
    expect(await pollOnce(cjt188Protocol, link, meterDevice(profile, W_M3))).toMatchObject({ valve_state: 1, battery_low: 1 });
    emulator.meter(W_M3).valve = 'open';
    emulator.meter(W_M3).batteryLow = false;

    const xijunzhou = meterProfile('cjt188_cold_water_meter', { status: XIJUNZHOU_STATUS });
    emulator.meter(W_XIJUNZHOU).valve = 'abnormal';
    expect(await pollOnce(cjt188Protocol, link, meterDevice(xijunzhou, W_XIJUNZHOU))).toMatchObject({ valve_state: 3, battery_low: 0 });
    emulator.meter(W_XIJUNZHOU).valve = 'closed';
    emulator.meter(W_XIJUNZHOU).batteryLow = true;
    expect(await pollOnce(cjt188Protocol, link, meterDevice(xijunzhou, W_XIJUNZHOU))).toMatchObject({ valve_state: 1, battery_low: 1 });
  });

  it('volume grows with the routine: the morning shower, nothing at night', async () => {
    const device = meterDevice(profile, W_M3);
    const volumeAfter = async (hours: number): Promise<number> => {
      nowMs += hours * 3_600_000;
      return (await pollOnce(cjt188Protocol, link, device)).current_volume ?? Number.NaN;
    };
    const morning0 = await volumeAfter(0); // 06:00
    const morning1 = await volumeAfter(3); // 09:00: shower and breakfast
    const night0 = await volumeAfter(17); // 02:00
    const night1 = await volumeAfter(2); // 04:00
    expect(morning1).toBeGreaterThan(morning0);
    expect(night1).toBe(night0);
  });

  it('an address that never answers times out', async () => {
    await expectBusError(pollOnce(cjt188Protocol, link, meterDevice(profile, '11111111111111', 300)), 'timeout');
  });

  it('garbled and bad-checksum replies are checksum errors', async () => {
    emulator.setFault(SPARE, 'garble');
    await expectBusError(pollOnce(cjt188Protocol, link, meterDevice(profile, SPARE)), 'checksum');
    emulator.setFault(SPARE, 'bad_checksum');
    await expectBusError(pollOnce(cjt188Protocol, link, meterDevice(profile, SPARE)), 'checksum');
  });

  it('noise bytes before a good reply are skipped', async () => {
    emulator.setFault(SPARE, 'noise');
    expect((await pollOnce(cjt188Protocol, link, meterDevice(profile, SPARE))).valve_state).toBe(0);
  });

  it('an abnormal reply (0xC1 with ST) is an exception', async () => {
    emulator.setFault(SPARE, 'abnormal');
    const error = await expectBusError(pollOnce(cjt188Protocol, link, meterDevice(profile, SPARE)), 'exception');
    expect(error.exceptionCode).toBe(0x0003);
    emulator.setFault(SPARE, 'none');
  });

  it('the port removed: transport error; restored: open() works and polling resumes', async () => {
    const pending = link.execute(
      { kind: 'read_data', meterType: 0x10, address: '11111111111111', di: 0x901f, diOrder: 'high_first', preambleCount: 4, requireSerEcho: true },
      5_000,
    );
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
    const values = await eventually('polling to resume', () => pollOnce(cjt188Protocol, link, meterDevice(profile, W_M3)));
    expect(values.current_volume).toBeGreaterThanOrEqual(123.45);
  });
});

describe('CJ/T 188 read address over a serial line', () => {
  it('the only meter on the line answers AA..AA with its type and address', async () => {
    const pair = await createPtyPair();
    const emulator = await startCjt188Emulator({ path: pair.b, meters: [W_LITRE] });
    const link = cjt188Protocol.createLink(serialBus(pair.a, 'cjt188'), silentLogger());
    try {
      await link.open();
      const reply = await link.execute({ kind: 'read_address', diOrder: 'high_first', preambleCount: 4 }, 1000);
      expect(reply).toMatchObject({ meterType: 0x10, address: W_LITRE });
    } finally {
      await link.close();
      await emulator.stop();
      await pair.stop();
    }
  });
});
