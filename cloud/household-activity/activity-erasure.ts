import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { epochMs, timestampParam } from '../db/sql-values.js';
import type { HouseholdActivityStore, HouseholdKeyOfActivity } from '../telemetry/household-activity-store.js';

/**
 * How long a household's activity aggregates are kept after its consent is withdrawn: not at all.
 * They were collected on that consent alone (PIPL Art. 29), and a withdrawn consent obliges the
 * handler to delete (Art. 47 (2)); the care record and the audit log, which other rules keep, stay.
 */
export const ACTIVITY_KEPT_AFTER_WITHDRAWAL_MS = 0;

/**
 * Deletes the cloud's household activity aggregates when a consent is withdrawn. The withdrawal
 * records an erasure due after ACTIVITY_KEPT_AFTER_WITHDRAWAL_MS (table household_activity_erasures,
 * migration 010) and carries out what is due at once; an erasure the telemetry store could not do
 * then (InfluxDB down) stays due, and eraseDue() does it later: a periodic job calls it.
 */
export class HouseholdActivityErasure {
  constructor(
    private readonly db: SqlDatabase,
    private readonly store: Pick<HouseholdActivityStore, 'deleteHouseholdActivity'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The consent of the household was withdrawn: its aggregates go when the rule says, now by default. */
  async consentWithdrawn(household: HouseholdKeyOfActivity): Promise<void> {
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO household_activity_erasures (estate_id, household_id, requested_at, due_at) VALUES ($1, $2, $3::timestamptz, $4::timestamptz)
       ON CONFLICT DO NOTHING`,
      [household.estateId, household.householdId, timestampParam(now), timestampParam(now + ACTIVITY_KEPT_AFTER_WITHDRAWAL_MS)],
    );
    await this.eraseDue();
  }

  /** Carries out every erasure due by now; one that fails stays due (logged). Returns how many were done. */
  async eraseDue(): Promise<number> {
    const { rows } = await this.db.query<{ estate_id: string; household_id: string; requested_at: Date }>(
      'SELECT estate_id, household_id, requested_at FROM household_activity_erasures WHERE done_at IS NULL AND due_at <= $1::timestamptz ORDER BY due_at',
      [timestampParam(this.clock.now())],
    );
    let done = 0;
    for (const row of rows) {
      try {
        await this.store.deleteHouseholdActivity({ estateId: row.estate_id, householdId: row.household_id });
      } catch (error) {
        this.logger.error({ err: error, estate: row.estate_id, household: row.household_id }, 'deleting household activity after a withdrawal failed; it stays due');
        continue;
      }
      await this.db.query(
        'UPDATE household_activity_erasures SET done_at = $4::timestamptz WHERE estate_id = $1 AND household_id = $2 AND requested_at = $3::timestamptz',
        [row.estate_id, row.household_id, timestampParam(epochMs(row.requested_at)), timestampParam(this.clock.now())],
      );
      done += 1;
    }
    return done;
  }
}
