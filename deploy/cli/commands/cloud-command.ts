import { loadConfigFile } from '../../../shared/config/load-config.js';
import { createLogger } from '../../../shared/log/logger.js';
import { CLOUD_ENV_OVERRIDES, CloudConfigSchema } from '../../../cloud/config/cloud-config.js';
import { Cloud } from '../../../cloud/cloud-service.js';
import type { ParsedArgs } from '../command-spec.js';
import { requireOption } from '../options.js';
import { runUntilSignal } from '../run-until-signal.js';

/** estatecare cloud --config cloud.yaml */
export async function runCloudCommand({ values }: ParsedArgs): Promise<void> {
  const config = loadConfigFile(CloudConfigSchema, requireOption(values.config, 'config'), { envOverrides: CLOUD_ENV_OVERRIDES });
  const logger = createLogger('estatecare-cloud', { level: config.log_level });
  const cloud = new Cloud(config, { logger });
  cloud.onTicketOpened((ticket) =>
    logger.info({ ticket: ticket.id, type: ticket.type, priority: ticket.priority, subject: ticket.subjectId }, 'ticket opened'),
  );
  await runUntilSignal(
    {
      name: 'cloud',
      start: async () => {
        await cloud.start();
        logger.info({ api: cloud.apiUrl, broker: cloud.brokerUrl }, 'cloud started');
      },
      stop: () => cloud.stop(),
    },
    (line) => logger.info(line),
  );
}
