// The memory baseline: a Node.js process holding the same libraries as the gateway, doing nothing.
import 'mqtt';
import 'aedes';
import 'modbus-serial';
import 'serialport';
import 'zod';
import 'pino';
import 'yaml';
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
setInterval(() => undefined, 1 << 30);
process.once('SIGTERM', () => process.exit(0));
