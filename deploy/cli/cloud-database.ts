import { loadConfigFile } from '../../shared/config/load-config.js';
import { createLogger, type Logger } from '../../shared/log/logger.js';
import { CLOUD_ENV_OVERRIDES, CloudConfigSchema, type CloudConfig } from '../../cloud/config/cloud-config.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';

export interface CloudDatabase {
  config: CloudConfig;
  logger: Logger;
  db: SqlDatabase;
}

/** The database of the cloud described by the config file (PostgreSQL by URL, else PGlite in its folder). */
export async function openCloudDatabase(configPath: string, loggerName: string): Promise<CloudDatabase> {
  const config = loadConfigFile(CloudConfigSchema, configPath, { envOverrides: CLOUD_ENV_OVERRIDES });
  const logger = createLogger(loggerName, { level: config.log_level });
  const db = await openDatabase(config.database.url ? { url: config.database.url } : { pglite_dir: config.database.pglite_dir }, logger);
  return { config, logger, db };
}
