import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, epochMsOrNull, timestampParam, timestampParamOrNull } from '../db/sql-values.js';
import { freshThrottle, type ThrottleState } from './sign-in-throttle.js';

interface ThrottleRow {
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

/** Throttle state per key, shared by every cloud instance on the database. */
export class SignInThrottleRepository {
  /** The key's state, locked FOR UPDATE until the transaction ends (a fresh state when the key is new). */
  async lock(tx: SqlExecutor, key: string, now: number): Promise<ThrottleState> {
    const fresh = freshThrottle(now);
    await tx.query(
      `INSERT INTO sign_in_throttle (key, failures, window_started_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
      [key, fresh.failures, timestampParam(fresh.windowStartedAt)],
    );
    const { rows } = await tx.query<ThrottleRow>('SELECT failures, window_started_at, locked_until FROM sign_in_throttle WHERE key = $1 FOR UPDATE', [key]);
    const row = rows[0]!;
    return { failures: row.failures, windowStartedAt: epochMs(row.window_started_at), lockedUntil: epochMsOrNull(row.locked_until) };
  }

  async save(tx: SqlExecutor, key: string, state: ThrottleState): Promise<void> {
    await tx.query('UPDATE sign_in_throttle SET failures = $2, window_started_at = $3, locked_until = $4 WHERE key = $1', [
      key,
      state.failures,
      timestampParam(state.windowStartedAt),
      timestampParamOrNull(state.lockedUntil),
    ]);
  }

  /** Forgets the key's failures and lock (a password reset by an administrator). */
  async clear(tx: SqlExecutor, key: string): Promise<void> {
    await tx.query('DELETE FROM sign_in_throttle WHERE key = $1', [key]);
  }
}
