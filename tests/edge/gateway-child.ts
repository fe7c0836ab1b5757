/**
 * Runs one gateway in a child process for tests that must kill it hard (the last will only fires
 * when the connection dies without a DISCONNECT). Usage: node --import tsx gateway-child.ts '<config json>'.
 * Prints "started" once the gateway runs.
 */
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway } from '../../edge/gateway.js';
import { PROFILES_DIR } from './edge-fixtures.js';

const config = validateConfig(GatewayConfigSchema, JSON.parse(process.argv[2] ?? '{}'), 'argv', { env: {} });
const gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
await gateway.start();
process.stdout.write('started\n');
