import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/load-config.js';
import { DeviceConfigSchema } from '../../edge/config/device-config.js';
import { bindDevices } from '../../edge/drivers/bind-devices.js';
import { createDriver } from '../../edge/drivers/create-driver.js';
import type { Driver } from '../../edge/drivers/driver.js';
import { createProtocolRegistry } from '../../edge/drivers/protocol-registry.js';
import { settleBuses } from '../../edge/drivers/settle-buses.js';
import { SHIPPED_MANIFESTS, SHIPPED_PROTOCOLS } from '../../edge/drivers/shipped-protocols.js';
import { loadProfiles, parseProfiles } from '../../edge/profiles/load-profiles.js';
import { PROFILES_DIR } from '../edge/edge-fixtures.js';
import { driverContext, RecordingSink } from './driver-harness.js';
import { toyManifest } from './toy-protocol/toy-manifest.js';
import { startToyDeviceServer, type ToyDeviceServer } from './toy-protocol/toy-device-server.js';

/**
 * A new field protocol is its folder plus one registry line: the toy protocol in ./toy-protocol/ is
 * laid out as a folder under edge/drivers/ would be, and the line below is all it takes for its bus
 * kind and profiles to validate and its devices to be bound, settled and polled by the bus scheduler.
 */
const protocols = createProtocolRegistry([...SHIPPED_MANIFESTS, toyManifest]);

const TOY_PROFILE = `
id: toy_meter
version: 1
kind: electricity_meter
manufacturer: Toy
model: T-1
description: A meter on the toy wire, voltage in 0.1 V steps.
driver: toy
settings: {}
points:
  - { name: voltage, unit: V, scale: 0.1, attributes: { register: 10 } }
  - { name: current, unit: A, scale: 0.01, attributes: { register: 11 } }
`;

/** The problems of the ConfigError that run() throws. */
function problemsOf(run: () => unknown): ConfigError['problems'] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('no ConfigError was thrown');
}

const toyBus = (port?: number) => ({ id: 'toy-line', transport: 'tcp', protocol: 'toy_tcp', host: '127.0.0.1', ...(port ? { port } : {}) });
const toyDevice = (id: string, address: string) => DeviceConfigSchema.parse({ id, profile: 'toy_meter', subject: { kind: 'unit', id: 'hh-1' }, bus: 'toy-line', address, poll_interval_s: 0.05 });

describe('a protocol folder registered in one line', () => {
  let server: ToyDeviceServer | undefined;
  let driver: Driver | undefined;
  afterEach(async () => {
    await driver?.stop();
    await server?.stop();
  });

  it('adds its bus kind and its profile schema, and only to the registry it is in', () => {
    expect(protocols.busConfigSchema.parse(toyBus(7000))).toMatchObject({ protocol: 'toy_tcp', port: 7000 });
    const refused = SHIPPED_PROTOCOLS.busConfigSchema.safeParse(toyBus(7000));
    expect(refused.error?.issues[0]).toMatchObject({ path: ['protocol'], message: expect.stringContaining('modbus_tcp') });

    const catalogue = parseProfiles([{ file: 'toy_meter.yaml', text: TOY_PROFILE }], 'test', protocols);
    expect(catalogue.get('toy_meter')).toMatchObject({ driver: 'toy', points: [{ name: 'voltage', attributes: { register: 10 } }, { name: 'current' }] });
    expect(problemsOf(() => parseProfiles([{ file: 'toy_meter.yaml', text: TOY_PROFILE }], 'test'))).toEqual([
      { path: 'toy_meter.yaml#driver', message: expect.stringContaining("Expected 'modbus' | 'dlt645' | 'cjt188' | 'mqtt'") },
    ]);
    // The toy folder's own checks run too, and the shipped profiles still load through the new registry.
    const clash = TOY_PROFILE.replace('register: 11', 'register: 10');
    expect(problemsOf(() => parseProfiles([{ file: 'toy_meter.yaml', text: clash }], 'test', protocols))).toEqual([
      { path: 'toy_meter.yaml#points.1.attributes', message: 'register 10 is also points.0' },
    ]);
    expect(loadProfiles(PROFILES_DIR, protocols).size).toBe(loadProfiles(PROFILES_DIR).size);
  });

  it('binds devices with its address rules and settles its buses with its defaults', () => {
    const catalogue = parseProfiles([{ file: 'toy_meter.yaml', text: TOY_PROFILE }], 'test', protocols);
    const bus = protocols.busConfigSchema.parse(toyBus());
    expect(problemsOf(() => bindDevices([toyDevice('m1', '1'), toyDevice('m2', 'one'), toyDevice('m3', '001')], catalogue, [bus], 'test', protocols))).toEqual([
      { path: 'devices.1.address', message: 'toy address "one" is not a unit number' },
      { path: 'devices.2.address', message: 'address 001 on bus toy-line is also used by device m1' },
    ]);
    const devices = bindDevices([toyDevice('m1', '1')], catalogue, [bus], 'test', protocols);
    expect(settleBuses([bus], devices, { protocols })).toEqual([{ ...bus, port: 7777, timeout_ms: 300 }]);
  });

  it('polls its devices through the bus scheduler into reading frames', async () => {
    server = await startToyDeviceServer(new Map([[1, new Map([[10, 2301], [11, 52]])]]));
    const catalogue = parseProfiles([{ file: 'toy_meter.yaml', text: TOY_PROFILE }], 'test', protocols);
    const buses = [protocols.busConfigSchema.parse(toyBus(server.port))];
    const devices = bindDevices([toyDevice('m1', '1')], catalogue, buses, 'test', protocols);
    const fieldBuses = settleBuses(buses, devices, { protocols });
    const sink = new RecordingSink();
    driver = createDriver('toy', driverContext(sink, fieldBuses), protocols);
    for (const device of devices) driver.addDevice(device);
    const frame = sink.nextFrame('m1');
    await driver.start();

    expect((await frame).readings.map(({ point, value, unit }) => ({ point, value, unit }))).toEqual([
      { point: 'voltage', value: 230.1, unit: 'V' },
      { point: 'current', value: 0.52, unit: 'A' },
    ]);
    expect(driver.protocol).toBe('toy');
    expect(sink.availabilities).toContainEqual({ deviceId: 'm1', availability: { online: true } });
    expect(server.asked.get('1/10')).toBeGreaterThanOrEqual(1);
  });
});
