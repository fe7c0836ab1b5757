import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { epochMs, timestampParam, jsonParam } from '../db/sql-values.js';
import { AppError } from '../platform/app-error.js';
import type { EstateTicketPolicy } from '../tickets/ticket-policy.js';
import { DispatchPolicyChangesSchema, estatePolicyOf, type DispatchPolicyChanges } from './dispatch-policy.js';

export interface StoredDispatchPolicy {
  estateId: string;
  /** 0: never edited, the defaults. */
  version: number;
  changes: DispatchPolicyChanges;
  updatedAt: number | null;
  updatedBy: string | null;
}

interface PolicyRow {
  version: number;
  policy: unknown;
  updated_at: Date;
  updated_by: string;
}

/** Each estate's dispatch policy, versioned: a change names the version it was made from. */
export class DispatchPolicyRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** `executor`: the caller's transaction when it holds one (PGlite has one connection: never use the database from inside a transaction). */
  async get(estateId: string, executor: SqlExecutor = this.db): Promise<StoredDispatchPolicy> {
    const { rows } = await executor.query<PolicyRow>('SELECT version, policy, updated_at, updated_by FROM dispatch_policies WHERE estate_id = $1', [estateId]);
    const row = rows[0];
    if (!row) return { estateId, version: 0, changes: {}, updatedAt: null, updatedBy: null };
    return { estateId, version: row.version, changes: DispatchPolicyChangesSchema.parse(row.policy), updatedAt: epochMs(row.updated_at), updatedBy: row.updated_by };
  }

  /** The policy a ticket opened now in the estate follows. */
  async effective(estateId: string, executor: SqlExecutor = this.db): Promise<EstateTicketPolicy> {
    const stored = await this.get(estateId, executor);
    return estatePolicyOf(stored.version, stored.changes);
  }

  /**
   * Replaces the estate's changes if the stored version is still `fromVersion` (409 otherwise, so two
   * managers' edits never overwrite each other). Tickets already open keep the chains they copied.
   */
  async put(estateId: string, changes: DispatchPolicyChanges, fromVersion: number, by: string, at: number): Promise<StoredDispatchPolicy> {
    const version = fromVersion + 1;
    const { rowCount } = await this.db.query(
      fromVersion === 0
        ? `INSERT INTO dispatch_policies (estate_id, version, policy, updated_at, updated_by) VALUES ($1, $2, $3::jsonb, $4::timestamptz, $5)
           ON CONFLICT (estate_id) DO NOTHING`
        : `UPDATE dispatch_policies SET version = $2, policy = $3::jsonb, updated_at = $4::timestamptz, updated_by = $5
           WHERE estate_id = $1 AND version = $2 - 1`,
      [estateId, version, jsonParam(changes), timestampParam(at), by],
    );
    if (rowCount !== 1) throw new AppError('conflict', 'stale_version', `the dispatch policy of ${estateId} is no longer version ${fromVersion}; read it again`, { details: { estate_id: estateId } });
    return { estateId, version, changes, updatedAt: at, updatedBy: by };
  }
}
