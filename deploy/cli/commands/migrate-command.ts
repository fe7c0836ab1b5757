import { loadConfigFile } from '../../../shared/config/load-config.js';
import { createLogger } from '../../../shared/log/logger.js';
import { CLOUD_ENV_OVERRIDES, CloudConfigSchema } from '../../../cloud/config/cloud-config.js';
import { openDatabase } from '../../../cloud/db/open-database.js';
import { migrate } from '../../../cloud/db/migrate.js';
import type { ParsedArgs } from '../command-spec.js';
import { requireOption } from '../options.js';

/** estatecare migrate --config cloud.yaml: applies pending migrations and exits. */
export async function runMigrateCommand({ values }: ParsedArgs): Promise<void> {
  const config = loadConfigFile(CloudConfigSchema, requireOption(values.config, 'config'), { envOverrides: CLOUD_ENV_OVERRIDES });
  const logger = createLogger('estatecare-migrate', { level: config.log_level });
  const db = await openDatabase(config.database.url ? { url: config.database.url } : { pglite_dir: config.database.pglite_dir }, logger);
  try {
    const applied = await migrate(db, logger);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
  } finally {
    await db.close();
  }
}
