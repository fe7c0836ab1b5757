import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusConfigInput } from '../../../edge/bus/bus-config.js';
import { fieldBus } from '../../bus/field-bus.js';
import { createModbusLink, type ModbusLink } from '../../../edge/drivers/modbus/modbus-link.js';
import { SimulatedElectricityMeter } from '../../../edge/simulator/meters/household-electricity.js';
import { SimulatedWaterMeter } from '../../../edge/simulator/meters/household-water.js';
import { startModbusRtuMeterServer, startModbusTcpMeterServer, type RunningMeterServer } from '../../../edge/simulator/meters/modbus/modbus-meter-server.js';
import { seededRandom } from '../../../edge/simulator/random.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { ManualClock } from '../../../shared/time/clock.js';
import { createPtyPair, type PtyPair } from '../../support/pty-pair.js';
import { modbusDevice, pollOnce } from './modbus-fixtures.js';

/** 2026-03-02 00:00 at UTC+8 (the estates' local midnight). */
const MIDNIGHT = Date.UTC(2026, 2, 1, 16, 0, 0);
const HOUR = 3_600_000;
const common = { device_backoff_max_s: 300, reopen_backoff_max_ms: 30_000, max_pending_writes: 32 };

describe('simulated household electricity meter', () => {
  it('keeps voltage in 220-235 V, power = V x I x pf, and a higher evening than night load', () => {
    const meter = new SimulatedElectricityMeter(7, MIDNIGHT);
    const noise = seededRandom(1);
    const byHour = Array.from({ length: 24 }, (_, hour) => meter.read(MIDNIGHT + hour * HOUR, noise));
    for (const reading of byHour) {
      expect(reading.voltage).toBeGreaterThanOrEqual(220);
      expect(reading.voltage).toBeLessThanOrEqual(235);
      expect(reading.activePower).toBeCloseTo(reading.voltage * reading.current * reading.powerFactor, 6);
      expect(reading.frequency).toBeGreaterThan(49.9);
      expect(reading.frequency).toBeLessThan(50.1);
    }
    expect(byHour[20]!.current).toBeGreaterThan(3 * byHour[3]!.current);
    expect(byHour[3]!.current).toBeLessThan(0.6);
  });

  it('counts import energy up monotonically, a believable few kWh a day', () => {
    const meter = new SimulatedElectricityMeter(7, MIDNIGHT);
    const noise = seededRandom(1);
    const start = meter.read(MIDNIGHT, noise).importEnergyKwh;
    let previous = start;
    for (let t = MIDNIGHT; t <= MIDNIGHT + 24 * HOUR; t += 10 * 60_000) {
      const energy = meter.read(t, noise).importEnergyKwh;
      expect(energy).toBeGreaterThanOrEqual(previous);
      previous = energy;
    }
    expect(previous - start).toBeGreaterThan(2);
    expect(previous - start).toBeLessThan(25);
  });
});

describe('simulated household water meter', () => {
  it('is still at night, flows at shower time, and its accumulator only grows', () => {
    const meter = new SimulatedWaterMeter(3, MIDNIGHT);
    expect(meter.read(MIDNIGHT + 3 * HOUR).flowRateM3h).toBe(0);
    const start = meter.read(MIDNIGHT);
    let previous = start.forwardLitres + start.forwardFraction;
    let flowing = 0;
    for (let t = MIDNIGHT; t <= MIDNIGHT + 24 * HOUR; t += 60_000) {
      const reading = meter.read(t);
      const litres = reading.forwardLitres + reading.forwardFraction;
      expect(litres).toBeGreaterThanOrEqual(previous);
      if (reading.flowRateM3h > 0) flowing++;
      previous = litres;
    }
    const dayLitres = previous - (start.forwardLitres + start.forwardFraction);
    expect(dayLitres).toBeGreaterThan(100);
    expect(dayLitres).toBeLessThan(1000);
    expect(flowing).toBeGreaterThan(30);
  });
});

describe('modbus meter servers', () => {
  let tcp: (RunningMeterServer & { port: number }) | undefined;
  let rtu: RunningMeterServer | undefined;
  let pty: PtyPair | undefined;
  const links: ModbusLink[] = [];
  const clock = new ManualClock(MIDNIGHT + 19.5 * HOUR);

  beforeAll(async () => {
    tcp = await startModbusTcpMeterServer({ unitIds: Array.from({ length: 100 }, (_, index) => index + 1), clock });
    pty = await createPtyPair();
    rtu = await startModbusRtuMeterServer({ path: pty.b, unitIds: [1, 2], clock });
  });

  afterAll(async () => {
    for (const link of links) await link.close();
    await tcp?.stop();
    await rtu?.stop();
    await pty?.stop();
  });

  async function openLink(bus: BusConfigInput): Promise<ModbusLink> {
    const link = createModbusLink(fieldBus(bus), silentLogger());
    links.push(link);
    await link.open();
    return link;
  }

  it('serves 100 SDM120s on one TCP port, each a different household, energy rising with the clock', async () => {
    const link = await openLink({ ...common, id: 'tcp_1', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port: tcp!.port });
    const first = new Map<number, Map<string, number>>();
    for (let unitId = 1; unitId <= 100; unitId++) first.set(unitId, await pollOnce(link, modbusDevice('eastron_sdm120', String(unitId))));
    const currents = new Set([...first.values()].map((values) => values.get('current')!.toFixed(2)));
    expect(currents.size).toBeGreaterThan(50);
    for (const values of first.values()) {
      expect(values.get('voltage')).toBeGreaterThanOrEqual(220);
      expect(values.get('voltage')).toBeLessThanOrEqual(235);
      expect(values.get('total_energy')).toBe(values.get('import_energy'));
    }
    clock.advance(HOUR);
    const later = await pollOnce(link, modbusDevice('eastron_sdm120', '42'));
    // an evening hour at 0.7-1.3 x ~5 A x 230 V: roughly 0.3 to 2 kWh
    const used = later.get('import_energy')! - first.get(42)!.get('import_energy')!;
    expect(used).toBeGreaterThan(0.2);
    expect(used).toBeLessThan(3);
  });

  it('serves the TUF-2000 map whose accumulator only grows', async () => {
    const link = await openLink({ ...common, id: 'tcp_2', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port: tcp!.port });
    const before = await pollOnce(link, modbusDevice('tuf2000_flow_meter', '7'));
    clock.advance(2 * HOUR);
    const after = await pollOnce(link, modbusDevice('tuf2000_flow_meter', '7'));
    expect(after.get('forward_total')).toBeGreaterThanOrEqual(before.get('forward_total')!);
    expect(after.get('reverse_total')).toBe(0);
    expect(after.get('forward_total_fraction')).toBeGreaterThanOrEqual(0);
    expect(after.get('forward_total_fraction')).toBeLessThan(1);
  });

  it('serves the same meters over RTU on a serial line', async () => {
    const link = await openLink({ ...common, id: 'rs485_1', transport: 'serial', protocol: 'modbus_rtu', path: pty!.a, baud_rate: 9600, parity: 'none', data_bits: 8, stop_bits: 1 });
    const values = await pollOnce(link, modbusDevice('eastron_sdm120', '2'));
    expect(values.get('frequency')).toBeCloseTo(50, 0);
    expect(values.get('voltage')).toBeGreaterThanOrEqual(220);
    rtu!.faults.kill(2);
    await expect(pollOnce(link, modbusDevice('eastron_sdm120', '2', 200))).rejects.toMatchObject({ kind: 'timeout' });
    expect((await pollOnce(link, modbusDevice('eastron_sdm120', '1'))).get('voltage')).toBeGreaterThan(200);
  });
});
