import { loadConfigFile } from '../../../shared/config/load-config.js';
import { createLogger } from '../../../shared/log/logger.js';
import { GATEWAY_ENV_OVERRIDES, GatewayConfigSchema } from '../../../edge/config/gateway-config.js';
import { createGateway } from '../../../edge/gateway.js';
import type { ParsedArgs } from '../command-spec.js';
import { requireOption } from '../options.js';
import { runUntilSignal } from '../run-until-signal.js';

/** estatecare gateway --config gateway.yaml */
export async function runGatewayCommand({ values }: ParsedArgs): Promise<void> {
  const config = loadConfigFile(GatewayConfigSchema, requireOption(values.config, 'config'), { envOverrides: GATEWAY_ENV_OVERRIDES });
  const logger = createLogger(`estatecare-gateway`, { level: config.log_level });
  const gateway = createGateway(config, { logger });
  await runUntilSignal(gateway, (line) => logger.info(line));
}
