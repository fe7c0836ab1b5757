import modbusSerial from 'modbus-serial';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import type { FieldBus } from '../../edge/bus/bus-config.js';
import { PolledDriver } from '../../edge/bus/polled-driver.js';
import { toPolledDevice } from '../../edge/bus/polled-device.js';
import { DeviceConfigSchema } from '../../edge/config/gateway-config.js';
import type { DeviceSink, DriverDevice } from '../../edge/drivers/driver.js';
import { modbusProtocol } from '../../edge/drivers/modbus/modbus-protocol.js';
import type { ModbusRequest } from '../../edge/drivers/modbus/modbus-request.js';
import { loadProfiles } from '../../edge/profiles/load-profiles.js';
import { SHIPPED_PROFILES_DIR } from '../../shared/package-root.js';
import type { PolledProtocol } from '../../edge/bus/polled-protocol.js';
import { fieldBus } from '../bus/field-bus.js';
import { median, type BenchRow } from './bench-table.js';
import { spawnTs } from './child-process.js';

/** modbus-serial is CommonJS; under ESM its class is the default export's default. */
const ModbusRTU = modbusSerial.default;

const PORTS = 10;
const UNITS_PER_PORT = 100;
const ROUNDS = 3;
const WINDOW_MS = 4000;
const PROFILE = 'eastron_sdm120';

/**
 * Modbus TCP polling of 1,000 simulated SDM120 meters (10 endpoints x 100 unit ids, one request in
 * flight per endpoint), through our whole driver stack (bus scheduler, planned reads, decode,
 * transform, reading frames) against a bare modbus-serial loop sending the same requests to the same
 * server, interleaved in rounds. Target: ours >= 90 % of the bare request rate.
 */
export async function benchModbusPolling(): Promise<BenchRow[]> {
  const server = spawnTs('tests/bench/meter-server-process.ts', [String(PORTS), String(UNITS_PER_PORT)]);
  try {
    const { ports } = (await server.ready) as { ports: number[] };
    const profile = loadProfiles(SHIPPED_PROFILES_DIR).get(PROFILE)!;
    const buses = ports.map((port, index) => fieldBus({ id: `tcp-${index}`, transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port }));
    const devices: DriverDevice[] = buses.flatMap((bus) =>
      Array.from({ length: UNITS_PER_PORT }, (_, index) => {
        const config = DeviceConfigSchema.parse({ id: `${bus.id}-m${index + 1}`, profile: PROFILE, subject: { kind: 'unit', id: `hh-${bus.id}-${index + 1}` }, bus: bus.id, address: index + 1, poll_interval_s: 0.05 });
        return { id: config.id, subject: config.subject, profile, config };
      }),
    );
    const ours: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareRate(buses, devices));
      ours.push(await driverRate(buses, devices));
    }
    const oursRate = median(ours);
    const bareRateValue = median(bare);
    const ratio = oursRate / bareRateValue;
    return [
      {
        name: `Modbus TCP polling, ${devices.length} devices`,
        ours: oursRate,
        baseline: bareRateValue,
        unit: 'req/s',
        ratio,
        target: '>= 0.90 of bare modbus-serial',
        met: ratio >= 0.9,
      },
    ];
  } finally {
    await server.stop();
  }
}

/** Our stack: one PolledDriver, a scheduler per endpoint, every device always due. */
async function driverRate(buses: FieldBus[], devices: DriverDevice[]): Promise<number> {
  let frames = 0;
  const sink: DeviceSink = {
    event: () => undefined,
    readings: () => void frames++,
    availability: () => undefined,
    rejected: () => undefined,
    ignored: () => undefined,
    settled: async () => undefined,
  };
  const driver = new PolledDriver(modbusProtocol as PolledProtocol<unknown, unknown>, new Map(buses.map((bus) => [bus.id, bus])), sink, systemClock, silentLogger());
  for (const device of devices) driver.addDevice(device);
  await driver.start();
  await sleep(500); // connect and warm up
  const before = total(driver);
  const startedAt = performance.now();
  await sleep(WINDOW_MS);
  const rate = ((total(driver) - before) * 1000) / (performance.now() - startedAt);
  await driver.stop();
  if (frames === 0) throw new Error('the driver read no frames: the benchmark measured nothing');
  return rate;
}

function total(driver: PolledDriver): number {
  return driver.busCounters().reduce((sum, bus) => sum + bus.transactions - bus.timeouts - bus.exception_replies, 0);
}

/** The baseline: per endpoint one modbus-serial client sending the same requests in a tight loop. */
async function bareRate(buses: FieldBus[], devices: DriverDevice[]): Promise<number> {
  let done = 0;
  let running = true;
  const loops = buses.map(async (bus) => {
    if (bus.transport !== 'tcp') throw new Error('tcp only');
    const requests: ModbusRequest[] = devices
      .filter((device) => device.config.bus === bus.id)
      .flatMap((device) => modbusProtocol.planPoll(toPolledDevice(device, bus)).map((step) => step.request));
    const client = new ModbusRTU();
    client.setTimeout(1000);
    await client.connectTCP(bus.host, { port: bus.port });
    while (running) {
      for (const request of requests) {
        if (!running) break;
        client.setID(request.unitId);
        if (request.functionCode === 4) await client.readInputRegisters(request.address, request.quantity);
        else await client.readHoldingRegisters(request.address, request.quantity);
        done++;
      }
    }
    await new Promise<void>((resolve) => client.close(() => resolve()));
  });
  await sleep(500);
  const before = done;
  const startedAt = performance.now();
  await sleep(WINDOW_MS);
  const rate = ((done - before) * 1000) / (performance.now() - startedAt);
  running = false;
  await Promise.all(loops);
  return rate;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
