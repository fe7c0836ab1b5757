import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, timestampParam } from '../db/sql-values.js';

export interface NewSession {
  id: string;
  tokenHash: string;
  staffId: string;
  createdAt: number;
  idleExpiresAt: number;
  expiresAt: number;
}

/** A session that is in force: not revoked, neither expiry passed, its account enabled. */
export interface ActiveSession {
  id: string;
  staffId: string;
  login: string;
  lastSeenAt: number;
  idleExpiresAt: number;
  expiresAt: number;
}

export interface SessionSummary {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  idleExpiresAt: number;
  expiresAt: number;
}

interface ActiveRow {
  id: string;
  staff_id: string;
  login: string;
  created_at: Date;
  last_seen_at: Date;
  idle_expires_at: Date;
  expires_at: Date;
}

/**
 * Sign-in sessions, found by the SHA-256 of their token. Every lookup checks revocation and both
 * expiries against the caller's clock, so a revoked session is refused at its very next request.
 */
export class SessionRepository {
  async insert(tx: SqlExecutor, session: NewSession): Promise<void> {
    await tx.query(
      `INSERT INTO sessions (id, token_hash, staff_id, created_at, last_seen_at, idle_expires_at, expires_at)
       VALUES ($1, $2, $3, $4, $4, $5, $6)`,
      [
        session.id,
        session.tokenHash,
        session.staffId,
        timestampParam(session.createdAt),
        timestampParam(session.idleExpiresAt),
        timestampParam(session.expiresAt),
      ],
    );
  }

  async findActive(tx: SqlExecutor, tokenHash: string, now: number): Promise<ActiveSession | null> {
    const { rows } = await tx.query<ActiveRow>(
      `SELECT s.id, s.staff_id, st.login, s.created_at, s.last_seen_at, s.idle_expires_at, s.expires_at
       FROM sessions s JOIN staff st ON st.id = s.staff_id
       WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND st.disabled_at IS NULL
         AND s.idle_expires_at > $2 AND s.expires_at > $2`,
      [tokenHash, timestampParam(now)],
    );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          staffId: row.staff_id,
          login: row.login,
          lastSeenAt: epochMs(row.last_seen_at),
          idleExpiresAt: epochMs(row.idle_expires_at),
          expiresAt: epochMs(row.expires_at),
        }
      : null;
  }

  /** Moves the idle expiry on after a use (never past the absolute expiry, which the caller caps). */
  async touch(tx: SqlExecutor, sessionId: string, at: number, idleExpiresAt: number): Promise<void> {
    await tx.query('UPDATE sessions SET last_seen_at = $2, idle_expires_at = $3 WHERE id = $1 AND revoked_at IS NULL', [
      sessionId,
      timestampParam(at),
      timestampParam(idleExpiresAt),
    ]);
  }

  /** Revokes one session of the staff member; false when there is no such session in force. */
  async revoke(tx: SqlExecutor, staffId: string, sessionId: string, at: number, by: string): Promise<boolean> {
    const { rowCount } = await tx.query(
      'UPDATE sessions SET revoked_at = $3, revoked_by = $4 WHERE id = $1 AND staff_id = $2 AND revoked_at IS NULL',
      [sessionId, staffId, timestampParam(at), by],
    );
    return rowCount === 1;
  }

  async revokeByTokenHash(tx: SqlExecutor, tokenHash: string, at: number, by: string): Promise<boolean> {
    const { rowCount } = await tx.query(
      'UPDATE sessions SET revoked_at = $2, revoked_by = $3 WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHash, timestampParam(at), by],
    );
    return rowCount === 1;
  }

  /** Revokes every session of the staff member still in force; returns how many. */
  async revokeAllOf(tx: SqlExecutor, staffId: string, at: number, by: string): Promise<number> {
    const { rowCount } = await tx.query(
      'UPDATE sessions SET revoked_at = $2, revoked_by = $3 WHERE staff_id = $1 AND revoked_at IS NULL AND idle_expires_at > $2 AND expires_at > $2',
      [staffId, timestampParam(at), by],
    );
    return rowCount;
  }

  async listActiveOf(tx: SqlExecutor, staffId: string, now: number): Promise<SessionSummary[]> {
    const { rows } = await tx.query<ActiveRow>(
      `SELECT id, created_at, last_seen_at, idle_expires_at, expires_at FROM sessions
       WHERE staff_id = $1 AND revoked_at IS NULL AND idle_expires_at > $2 AND expires_at > $2
       ORDER BY created_at DESC`,
      [staffId, timestampParam(now)],
    );
    return rows.map((row) => ({
      id: row.id,
      createdAt: epochMs(row.created_at),
      lastSeenAt: epochMs(row.last_seen_at),
      idleExpiresAt: epochMs(row.idle_expires_at),
      expiresAt: epochMs(row.expires_at),
    }));
  }
}
