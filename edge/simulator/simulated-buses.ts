import type { Logger } from '../../shared/log/logger.js';
import { serialSettings, type FieldBus, type SerialFieldBus } from '../bus/bus-config.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { settleBuses } from '../drivers/settle-buses.js';
import type { ProfileCatalogue } from '../profiles/load-profiles.js';
import { startModbusRtuMeterServer, startModbusTcpMeterServer } from './meters/modbus/modbus-meter-server.js';
import { startDlt645Emulator } from './meters/dlt645/dlt645-meter-emulator.js';
import { startCjt188Emulator } from './meters/cjt188/cjt188-meter-emulator.js';
import { openVirtualSerialLine } from './virtual-serial-line.js';

/** The Modbus profiles the simulated fleet serves register maps for (meters/modbus/meter-registers.ts). */
const SIMULATED_MODBUS_PROFILES = new Set(['eastron_sdm120', 'tuf2000_flow_meter']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export interface SimulatedBuses {
  /** One line per simulated bus, for the terminal. */
  readonly summary: string[];
  stop(): Promise<void>;
}

/**
 * Simulated meters for the field buses of a gateway config, where the gateway will look for them:
 * a Modbus TCP server on each loopback endpoint, and on each serial bus a virtual serial line
 * (socat) whose gateway end is the configured path and whose device end (path + ".sim") is answered
 * by Modbus RTU, DL/T 645 or CJ/T 188 meters at the configured addresses.
 */
export async function startSimulatedBuses(config: GatewayConfig, profiles: ProfileCatalogue, logger: Logger): Promise<SimulatedBuses> {
  const stops: Array<() => Promise<void>> = [];
  const summary: string[] = [];
  // The gateway opens each line as settleBuses settles it; the meters answer on the same settings.
  const devicesOnBuses = config.devices.flatMap((device) => {
    const profile = profiles.get(device.profile);
    return profile ? [{ profile, config: device }] : [];
  });
  try {
    for (const bus of settleBuses(config.buses, devicesOnBuses)) {
      const devices = config.devices.filter((device) => device.bus === bus.id && device.address !== undefined);
      if (devices.length === 0) continue;
      for (const device of devices) {
        const profile = profiles.get(device.profile);
        if (profile?.driver === 'modbus' && !SIMULATED_MODBUS_PROFILES.has(profile.id)) {
          logger.warn({ device: device.id, profile: profile.id }, 'no simulated register map for this profile; the device will read SDM120 / TUF-2000 registers');
        }
      }
      const addresses = devices.map((device) => device.address!);
      const { stop, where } = await simulateBus(bus, addresses);
      stops.push(stop);
      summary.push(`${bus.id}: ${devices.length} simulated ${bus.protocol} device(s) at ${where}`);
    }
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
  return {
    summary,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.warn({ err: error }, 'simulated bus did not stop cleanly'));
    },
  };
}

async function simulateBus(bus: FieldBus, addresses: string[]): Promise<{ stop: () => Promise<void>; where: string }> {
  if (bus.transport === 'tcp') {
    if (!LOOPBACK_HOSTS.has(bus.host)) throw new Error(`bus ${bus.id}: simulated devices serve only on this machine, not on ${bus.host}`);
    const server = await startModbusTcpMeterServer({ host: bus.host, port: bus.port, unitIds: addresses.map(Number) });
    return { stop: () => server.stop(), where: `${bus.host}:${server.port}` };
  }
  const line = await openVirtualSerialLine(bus.path, `${bus.path}.sim`);
  try {
    const meters = await startMeters(bus, line.deviceEnd, addresses);
    return {
      stop: async () => {
        await meters.stop();
        await line.stop();
      },
      where: `${bus.path} (device end ${line.deviceEnd})`,
    };
  } catch (error) {
    await line.stop();
    throw error;
  }
}

function startMeters(bus: SerialFieldBus, path: string, addresses: string[]): Promise<{ stop(): Promise<void> }> {
  const serial = serialSettings(bus);
  switch (bus.protocol) {
    case 'modbus_rtu':
      return startModbusRtuMeterServer({ path, baudRate: serial.baudRate, parity: serial.parity, unitIds: addresses.map(Number) });
    case 'dlt645':
      return startDlt645Emulator({ path, meters: addresses, serial });
    case 'cjt188':
      return startCjt188Emulator({ path, meters: addresses, serial });
    default:
      throw new Error(`bus ${bus.id}: no simulated ${bus.protocol} meters`);
  }
}
