import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusConfigInput } from '../../../edge/bus/bus-config.js';
import { fieldBus } from '../../bus/field-bus.js';
import { BusError } from '../../../edge/bus/bus-error.js';
import { createModbusLink, type ModbusLink } from '../../../edge/drivers/modbus/modbus-link.js';
import { modbusProtocol } from '../../../edge/drivers/modbus/modbus-protocol.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { freePort } from '../../support/net.js';
import { createPtyPair, type PtyPair } from '../../support/pty-pair.js';
import { assertPythonModules, startPythonPeer, type PythonPeer } from '../../support/python-peer.js';
import { modbusDevice, pollOnce } from './modbus-fixtures.js';

/**
 * The driver (planner, codec, link over modbus-serial) against a Modbus implementation it shares no
 * code with: pymodbus 3.0, over Modbus TCP and over Modbus RTU on a socat pty pair. The values are
 * those pymodbus_server.py serves.
 */

const SCRIPT = new URL('./pymodbus_server.py', import.meta.url).pathname;
const TIMEOUT_MS = 500;

describe.each(['tcp', 'rtu'] as const)('modbus driver against pymodbus over %s', (mode) => {
  let peer: PythonPeer | undefined;
  let pty: PtyPair | undefined;
  let link: ModbusLink;

  beforeAll(async () => {
    assertPythonModules('pymodbus', 'serial', 'serial_asyncio');
    const common = { device_backoff_max_s: 300, reopen_backoff_max_ms: 30_000, max_pending_writes: 32 };
    let bus: BusConfigInput;
    if (mode === 'tcp') {
      const port = await freePort();
      peer = await startPythonPeer(SCRIPT, ['tcp', String(port)]);
      bus = { ...common, id: 'tcp_1', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port };
    } else {
      pty = await createPtyPair();
      peer = await startPythonPeer(SCRIPT, ['rtu', pty.b]);
      bus = { ...common, id: 'rs485_1', transport: 'serial', protocol: 'modbus_rtu', path: pty.a, baud_rate: 9600, parity: 'none', data_bits: 8, stop_bits: 1 };
    }
    link = createModbusLink(fieldBus(bus), silentLogger());
    await link.open();
  });

  afterAll(async () => {
    await link?.close();
    await peer?.stop();
    await pty?.stop();
  });

  it('polls an SDM120 map: float32 ABCD input registers in two merged reads', async () => {
    const values = await pollOnce(link, modbusDevice('eastron_sdm120', '1', TIMEOUT_MS));
    expect(values.get('voltage')).toBe(230); // 43 66 00 00
    expect(values.get('current')).toBe(5); // 40 A0 00 00
    expect(values.get('active_power')).toBe(1104); // 44 8A 00 00
    expect(values.get('power_factor')).toBeCloseTo(0.96, 6); // 3F 75 C2 8F
    expect(values.get('frequency')).toBe(50); // 42 48 00 00
    expect(values.get('import_energy')).toBeCloseTo(1234.56, 3); // 44 9A 51 EC
    expect(values.get('total_energy')).toBeCloseTo(1234.56, 3);
    expect(values.get('export_energy')).toBe(0);
  });

  it('polls a TUF-2000 map: float ABCD and LONG CDAB holding registers', async () => {
    const values = await pollOnce(link, modbusDevice('tuf2000_flow_meter', '1', TIMEOUT_MS));
    expect(Object.fromEntries(values)).toEqual({ flow_rate: 1.5, velocity: 0, forward_total: 123_456, forward_total_fraction: 0.25, reverse_total: -2 });
  });

  it('polls the vendor lift monitor: status bits, int16 floor, uint32 count and the alarm discrete input', async () => {
    const values = await pollOnce(link, modbusDevice('lift_monitor_modbus_vendor', '2', TIMEOUT_MS));
    expect(Object.fromEntries(values)).toEqual({
      car_status: 0, door_zone: 1, door_status: 1, passenger_status: 1, power_status: 1,
      car_direction: 0, car_position: -1, service_mode: 1, fault_code: 7, run_count: 70_000, alarm_button: 1,
    });
  });

  it('reads coils 0-8 of pymodbus as bits', async () => {
    const reply = await link.execute({ unitId: 1, functionCode: 1, address: 0, quantity: 9 }, TIMEOUT_MS);
    expect(reply.bits).toEqual([true, false, true, true, false, false, false, true, true]);
  });

  it('writes with FC05, FC06 and FC16 and reads the values back', async () => {
    const device = modbusDevice('tuf2000_flow_meter', '1', TIMEOUT_MS);
    await link.execute({ unitId: 1, functionCode: 5, address: 1, quantity: 1, values: [1] }, TIMEOUT_MS);
    await link.execute({ unitId: 1, functionCode: 6, address: 0x10, quantity: 1, values: [0xbeef] }, TIMEOUT_MS);
    // planWrite of a float32 point: the TUF flow_rate register pair, 12.5 = 41 48 00 00
    const write = modbusProtocol.planWrite!(
      { ...device, profile: { ...device.profile, points: device.profile.points.map((p) => (p.name === 'flow_rate' ? { ...p, writable: true } : p)) } },
      { deviceId: device.id, point: 'flow_rate', raw: 12.5 },
    );
    expect(write.request).toMatchObject({ functionCode: 16, address: 0, values: [0x4148, 0x0000] });
    await link.execute(write.request, TIMEOUT_MS);
    expect((await link.execute({ unitId: 1, functionCode: 1, address: 0, quantity: 2 }, TIMEOUT_MS)).bits).toEqual([true, true]);
    expect((await link.execute({ unitId: 1, functionCode: 3, address: 0x10, quantity: 1 }, TIMEOUT_MS)).registers).toEqual([0xbeef]);
    expect((await pollOnce(link, device)).get('flow_rate')).toBe(12.5);
    // put the fixture back for the other tests
    await link.execute({ unitId: 1, functionCode: 16, address: 0, quantity: 2, values: [0x3fc0, 0x0000] }, TIMEOUT_MS);
  });

  it('reports a read past the device\'s registers as exception 2, then reads again', async () => {
    const error = await link.execute({ unitId: 1, functionCode: 4, address: 0x0158, quantity: 2 }, TIMEOUT_MS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({ kind: 'exception', exceptionCode: 2 });
    expect((await pollOnce(link, modbusDevice('eastron_sdm120', '1', TIMEOUT_MS))).get('voltage')).toBe(230);
  });

  it('times out on a unit id nobody answers, then reads again', async () => {
    const started = Date.now();
    const error = await pollOnce(link, modbusDevice('eastron_sdm120', '9', 300)).catch((caught: unknown) => caught);
    // Not before the timeout; and the library's own timer, set to this timeout, gave up, not the link's
    // settle guard at SETTLE_GUARD_MS later (both timers run in this process, so their order holds
    // however slow the machine is).
    expect(error).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/no reply in time$/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300 - 20);
    expect((await pollOnce(link, modbusDevice('eastron_sdm120', '1', TIMEOUT_MS))).get('voltage')).toBe(230);
  });
});
