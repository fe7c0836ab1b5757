import { migrate } from '../../../cloud/db/migrate.js';
import { openCloudDatabase } from '../cloud-database.js';
import { parseCommandArgs, requireOption } from '../options.js';

/** estatecare migrate --config cloud.yaml: applies pending migrations and exits. */
export async function runMigrateCommand(args: string[]): Promise<void> {
  const values = parseCommandArgs(args, { config: { type: 'string', short: 'c' } });
  const { db, logger } = await openCloudDatabase(requireOption(values.config, 'config'), 'estatecare-migrate');
  try {
    const applied = await migrate(db, logger);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
  } finally {
    await db.close();
  }
}
