import type { SqlExecutor } from '../db/sql-database.js';
import { timestampParam } from '../db/sql-values.js';
import { retentionCutoffs, type RetentionSettings } from '../telemetry/retention-settings.js';
import type { RetentionTask } from '../telemetry/telemetry-retention.js';

/**
 * A household's hourly activity, on the SQL store, kept as long as the raw readings (raw_days, 30 by
 * default): enough for the supervisor's four-week picture and the care rules' learning window, and
 * no longer, since the consent's purpose is care now, not a history of the home (PIPL Art. 19). On
 * InfluxDB the points lie in the raw retention policy beside the readings and go with them. A
 * withdrawal deletes them at once (activity-erasure.ts), whatever this says.
 */
export class HouseholdActivityRetention implements RetentionTask {
  readonly name = 'household_activity';

  constructor(private readonly settings: Pick<RetentionSettings, 'raw_days' | 'hourly_months'>) {}

  async apply(now: number, tx: SqlExecutor): Promise<number | null> {
    const { readingsBefore } = retentionCutoffs(now, this.settings);
    const { rowCount } = await tx.query('DELETE FROM household_activity WHERE hour_start < $1::timestamptz', [timestampParam(readingsBefore)]);
    return rowCount ?? 0;
  }
}
