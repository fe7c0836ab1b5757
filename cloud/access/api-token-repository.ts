import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { epochMs, epochMsOrNull, timestampParam, timestampParamOrNull } from '../db/sql-values.js';
import type { Caller } from './caller.js';
import { manageableBy } from './staff-repository.js';

export interface NewApiToken {
  id: string;
  tokenHash: string;
  staffId: string;
  name: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
}

/** A token without its secret (never stored, shown once when issued). */
export interface ApiTokenSummary {
  id: string;
  staffId: string;
  name: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface TokenRow {
  id: string;
  staff_id: string;
  name: string;
  created_at: Date;
  created_by: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Bearer tokens for API clients and integrations; each acts with the roles of the account it belongs to. */
export class ApiTokenRepository {
  async insert(tx: SqlExecutor, token: NewApiToken): Promise<void> {
    await tx.query(
      `INSERT INTO api_tokens (id, token_hash, staff_id, name, created_at, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [token.id, token.tokenHash, token.staffId, token.name, timestampParam(token.createdAt), token.createdBy, timestampParamOrNull(token.expiresAt)],
    );
  }

  /** The token in force with this hash (not revoked, not expired, its account enabled). */
  async findActive(tx: SqlExecutor, tokenHash: string, now: number): Promise<(ApiTokenSummary & { login: string }) | null> {
    const { rows } = await tx.query<TokenRow & { login: string }>(
      `SELECT t.id, t.staff_id, t.name, t.created_at, t.created_by, t.expires_at, t.last_used_at, t.revoked_at, st.login
       FROM api_tokens t JOIN staff st ON st.id = t.staff_id
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND st.disabled_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`,
      [tokenHash, timestampParam(now)],
    );
    const row = rows[0];
    return row ? { ...toSummary(row), login: row.login } : null;
  }

  async markUsed(tx: SqlExecutor, tokenId: string, at: number): Promise<void> {
    await tx.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [tokenId, timestampParam(at)]);
  }

  /** The token, if the caller may manage its owner. */
  async find(tx: SqlExecutor, caller: Caller, tokenId: string): Promise<ApiTokenSummary | null> {
    return (await this.select(tx, caller, tokenId))[0] ?? null;
  }

  /** Tokens of every owner the caller may manage, newest first. */
  list(tx: SqlExecutor, caller: Caller): Promise<ApiTokenSummary[]> {
    return this.select(tx, caller, null);
  }

  private async select(tx: SqlExecutor, caller: Caller, tokenId: string | null): Promise<ApiTokenSummary[]> {
    const params = new SqlParams();
    const where = [manageableBy(caller, params, 't.staff_id')];
    if (tokenId !== null) where.push(`t.id = ${params.add(tokenId)}`);
    const { rows } = await tx.query<TokenRow>(
      `SELECT t.id, t.staff_id, t.name, t.created_at, t.created_by, t.expires_at, t.last_used_at, t.revoked_at
       FROM api_tokens t WHERE ${where.join(' AND ')} ORDER BY t.created_at DESC, t.id DESC`,
      params.values,
    );
    return rows.map(toSummary);
  }

  async revoke(tx: SqlExecutor, tokenId: string, at: number, by: string): Promise<boolean> {
    const { rowCount } = await tx.query('UPDATE api_tokens SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL', [
      tokenId,
      timestampParam(at),
      by,
    ]);
    return rowCount === 1;
  }
}

function toSummary(row: TokenRow): ApiTokenSummary {
  return {
    id: row.id,
    staffId: row.staff_id,
    name: row.name,
    createdAt: epochMs(row.created_at),
    createdBy: row.created_by,
    expiresAt: epochMsOrNull(row.expires_at),
    lastUsedAt: epochMsOrNull(row.last_used_at),
    revokedAt: epochMsOrNull(row.revoked_at),
  };
}
