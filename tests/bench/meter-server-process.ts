/**
 * A separate process serving simulated Modbus TCP meters for the benchmarks, so the server does not
 * share an event loop with what is measured. Prints one JSON line {"ports":[...]} when ready and runs
 * until SIGTERM. Arguments: number of ports, unit ids per port.
 */
import { startModbusTcpMeterServer } from '../../edge/simulator/meters/modbus/modbus-meter-server.js';

const [portCount = 10, unitsPerPort = 100] = process.argv.slice(2).map(Number);
const unitIds = Array.from({ length: unitsPerPort }, (_, index) => index + 1);
const servers = await Promise.all(Array.from({ length: portCount }, () => startModbusTcpMeterServer({ unitIds })));
process.stdout.write(`${JSON.stringify({ ports: servers.map((server) => server.port) })}\n`);
process.once('SIGTERM', () => {
  void Promise.all(servers.map((server) => server.stop())).then(() => process.exit(0));
});
