import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../shared/config/load-config.js';
import type { BusCounters, OnlineStatus } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { startModbusTcpMeterServer } from '../../edge/simulator/meters/modbus/modbus-meter-server.js';
import { startDlt645Emulator } from '../../edge/simulator/meters/dlt645/dlt645-meter-emulator.js';
import { startCjt188Emulator } from '../../edge/simulator/meters/cjt188/cjt188-meter-emulator.js';
import { createPtyPair, type PtyPair } from '../support/pty-pair.js';
import { assertPythonModules, startPythonPeer, type PythonPeer } from '../support/python-peer.js';
import { eventually, freePort } from '../support/net.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { ContractObserver, type Observed } from './mqtt-observer.js';
import { PROFILES_DIR, tempDataDir } from './edge-fixtures.js';

const PYMODBUS_SERVER = fileURLToPath(new URL('../drivers/modbus/pymodbus_server.py', import.meta.url));
const DLT645_METER = '123456789012';
const DLT645_DEAD = '000000000077';
const CJT188_METER = '00201510270588';

/**
 * A gateway reading every kind of field bus at once, as on an estate: Modbus TCP (simulated meters
 * and a real pymodbus peer serving a vendor lift monitor), DL/T 645 and CJ/T 188 on serial lines
 * (socat pseudo-terminals with meter emulators). Readings, events and alerts travel up through a real
 * Mosquitto; dead meters are backed off and reported without stalling their neighbours.
 */
describe('gateway on field buses', () => {
  const gatewayId = uniqueSlug('gw-buses');
  const stops: Array<() => Promise<unknown>> = [];
  let gateway: Gateway;
  let observer: ContractObserver;

  beforeAll(async () => {
    assertPythonModules('pymodbus.server');
    const meters = await startModbusTcpMeterServer({ unitIds: [1, 2], deadUnitIds: [3] });
    stops.push(() => meters.stop());
    const liftPort = await freePort();
    const lift: PythonPeer = await startPythonPeer(PYMODBUS_SERVER, ['tcp', String(liftPort)]);
    stops.push(() => lift.stop());
    const dltLine: PtyPair = await createPtyPair();
    stops.push(() => dltLine.stop());
    const dlt = await startDlt645Emulator({ path: dltLine.b, meters: [DLT645_METER, { address: DLT645_DEAD, fault: 'dead' }] });
    stops.push(() => dlt.stop());
    const cjtLine: PtyPair = await createPtyPair();
    stops.push(() => cjtLine.stop());
    const cjt = await startCjt188Emulator({ path: cjtLine.b, meters: [CJT188_METER] });
    stops.push(() => cjt.stop());

    observer = await ContractObserver.watch(uniqueSlug('observer'), `estatecare/v1/gw/${gatewayId}/#`);
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: gatewayId },
        data_dir: tempDataDir(),
        uplink: { url: 'mqtt://127.0.0.1:1883', status_interval_s: 1 },
        local_broker: { embedded: true, host: '127.0.0.1', port: 0 },
        buses: [
          { id: 'tcp-meters', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port: meters.port },
          { id: 'tcp-lift', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port: liftPort },
          { id: 'rs485-dlt', transport: 'serial', protocol: 'dlt645', path: dltLine.a },
          { id: 'rs485-cjt', transport: 'serial', protocol: 'cjt188', path: cjtLine.a },
        ],
        devices: [
          { id: 'water-main', profile: 'tuf2000_flow_meter', subject: { kind: 'asset', id: 'b1-water-main' }, bus: 'tcp-meters', address: 1, poll_interval_s: 0.2 },
          { id: 'meter-1203', profile: 'eastron_sdm120', subject: { kind: 'unit', id: 'hh-1203' }, bus: 'tcp-meters', address: 2, poll_interval_s: 0.2 },
          { id: 'meter-dead', profile: 'eastron_sdm120', subject: { kind: 'asset', id: 'b1-pump' }, bus: 'tcp-meters', address: 3, poll_interval_s: 0.2, timeout_ms: 100 },
          { id: 'lift-b2', profile: 'lift_monitor_modbus_vendor', subject: { kind: 'asset', id: 'lift-b2' }, bus: 'tcp-lift', address: 2, poll_interval_s: 0.2 },
          { id: 'common-meter', profile: 'dlt645_single_phase_meter', subject: { kind: 'asset', id: 'b1-common' }, bus: 'rs485-dlt', address: DLT645_METER, poll_interval_s: 0.5 },
          { id: 'dlt-dead', profile: 'dlt645_single_phase_meter', subject: { kind: 'asset', id: 'b1-spare' }, bus: 'rs485-dlt', address: DLT645_DEAD, poll_interval_s: 0.5, timeout_ms: 300 },
          { id: 'water-1203', profile: 'cjt188_cold_water_meter', subject: { kind: 'unit', id: 'hh-1203' }, bus: 'rs485-cjt', address: CJT188_METER, poll_interval_s: 0.5 },
        ],
      },
      'field bus test config',
    );
    gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    await gateway.start();
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await observer?.close();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });

  const telemetryPoints = (deviceId: string): Set<string> =>
    new Set(observer.messages.flatMap((m) => (m.channel === 'telemetry' ? m.message.items.filter((i) => i.device_id === deviceId).map((i) => i.point) : [])));

  it('reads Modbus TCP, DL/T 645 and CJ/T 188 meters and sends the estate assets readings up', async () => {
    await observer.waitFor((m): m is Observed => m.channel === 'telemetry' && telemetryPoints('common-meter').has('forward_active_energy') && telemetryPoints('water-main').has('flow_rate'), 'asset readings', 20_000);
    const energy = observer.messages
      .flatMap((m) => (m.channel === 'telemetry' ? m.message.items : []))
      .find((item) => item.device_id === 'common-meter' && item.point === 'forward_active_energy');
    expect(energy).toMatchObject({ unit: 'kWh' });
    expect(energy!.value).toBeGreaterThan(0);
  });

  it('keeps household meter readings on the gateway, though it reads them', async () => {
    const status = await onlineStatus('a status with the CJ/T 188 bus polled', (s) => (s.buses.find((b) => b.bus_id === 'rs485-cjt')?.transactions ?? 0) > 2);
    expect(telemetryPoints('meter-1203').size).toBe(0);
    expect(telemetryPoints('water-1203').size).toBe(0);
    expect(status.devices_offline).not.toContain('water-1203');
  });

  it('reports dead meters offline and counts their timeouts, while their neighbours keep being read', async () => {
    const status = await onlineStatus('both dead meters offline', (s) => ['meter-dead', 'dlt-dead'].every((id) => s.devices_offline.includes(id)));
    expect(bus(status.buses, 'tcp-meters')).toMatchObject({ devices: 3, devices_offline: 1 });
    expect(bus(status.buses, 'tcp-meters').timeouts).toBeGreaterThanOrEqual(1);
    expect(bus(status.buses, 'rs485-dlt').timeouts).toBeGreaterThanOrEqual(1);
    const before = readingCount('water-main');
    await eventually('three more readings of the live neighbour', () => readingCount('water-main') - before >= 3);
  });

  it('turns a vendor lift monitor fault code and alarm button into canonical events and a P1 alert', async () => {
    const alerts = await observer.waitFor((m): m is Observed => m.channel === 'alerts' && m.message.items.some((a) => a.subject.id === 'lift-b2'), 'the lift alert', 20_000);
    if (alerts.channel !== 'alerts') throw new Error('unreachable');
    expect(alerts.message.items.find((a) => a.subject.id === 'lift-b2')).toMatchObject({ category: 'lift_entrapment', severity: 'critical', state: 'raised' });
    const events = observer.messages.flatMap((m) => (m.channel === 'events' ? m.message.items.filter((e) => e.device_id === 'lift-b2') : []));
    // Vendor fault 7 (平层关人, trapped at a landing) is the canonical passenger_trapped.
    expect(events).toContainEqual(expect.objectContaining({ type: 'lift_fault', attributes: expect.objectContaining({ fault: 'passenger_trapped', vendor_code: 7 }) }));
    expect(events.some((e) => e.type === 'lift_alarm_button')).toBe(true);
  });

  async function onlineStatus(what: string, predicate: (status: OnlineStatus) => boolean): Promise<OnlineStatus> {
    const message = await observer.waitFor((m): m is Observed => m.channel === 'status' && m.message.status.online && predicate(m.message.status), what, 20_000);
    if (message.channel !== 'status' || !message.message.status.online) throw new Error(`not an online status: ${JSON.stringify(message)}`);
    return message.message.status;
  }

  function readingCount(deviceId: string): number {
    return observer.messages.reduce((sum, m) => sum + (m.channel === 'telemetry' ? m.message.items.filter((i) => i.device_id === deviceId).length : 0), 0);
  }
});

function bus(buses: BusCounters[], id: string): BusCounters {
  const found = buses.find((b) => b.bus_id === id);
  if (!found) throw new Error(`no counters for bus ${id} in ${JSON.stringify(buses)}`);
  return found;
}
