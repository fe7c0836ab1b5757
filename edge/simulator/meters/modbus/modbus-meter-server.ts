import { startModbusRtuServer, startModbusTcpServer } from '../../../drivers/modbus/modbus-server.js';
import { SimulatedMeterFleet, type MeterFaults, type MeterFleetOptions } from './meter-fleet.js';

/**
 * Simulated Modbus meters for demos, integration tests and benchmarks: one server answers many unit
 * ids (a benchmark of 1,000 devices is e.g. 10 ports x 100 unit ids), each unit id a household with
 * an SDM120-like electricity meter (FC04) and a TUF-2000-like water meter (FC03), see meter-fleet.ts.
 */

export interface RunningMeterServer {
  faults: MeterFaults;
  stop(): Promise<void>;
}

/** Modbus TCP meters on host:port (port 0, the default, picks a free port). */
export async function startModbusTcpMeterServer(options: MeterFleetOptions & { host?: string; port?: number }): Promise<RunningMeterServer & { port: number }> {
  const fleet = new SimulatedMeterFleet(options);
  const server = await startModbusTcpServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, handler: fleet });
  return { port: server.port, faults: fleet, stop: () => server.stop() };
}

/**
 * Modbus RTU meters on a serial port, e.g. one end of a socat pty pair. Eastron meters ship at 2400
 * baud 8N1 (edge/drivers/modbus/README.md); on a pty the baud rate only has to match nothing, so
 * 9600 8N1 is the default here.
 */
export async function startModbusRtuMeterServer(
  options: MeterFleetOptions & { path: string; baudRate?: number; parity?: 'none' | 'even' | 'odd' },
): Promise<RunningMeterServer> {
  const fleet = new SimulatedMeterFleet(options);
  const server = await startModbusRtuServer({ path: options.path, baudRate: options.baudRate ?? 9600, parity: options.parity ?? 'none', handler: fleet });
  return { faults: fleet, stop: () => server.stop() };
}
