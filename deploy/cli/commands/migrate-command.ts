import { migrate } from '../../../cloud/db/migrate.js';
import type { ParsedArgs } from '../command-spec.js';
import { openCloudDatabase } from '../cloud-database.js';
import { requireOption } from '../options.js';

/** estatecare migrate --config cloud.yaml: applies pending migrations and exits. */
export async function runMigrateCommand({ values }: ParsedArgs): Promise<void> {
  const { db, logger } = await openCloudDatabase(requireOption(values.config, 'config'), 'estatecare-migrate');
  try {
    const applied = await migrate(db, logger);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
  } finally {
    await db.close();
  }
}
