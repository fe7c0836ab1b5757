import { z } from 'zod';
import { newId } from '../../shared/ids.js';
import type { Clock } from '../../shared/time/clock.js';
import { AuditRepository } from '../audit/audit-repository.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { AppError, notFound } from '../platform/app-error.js';
import { parseInput } from '../platform/parse-input.js';
import { DEFAULT_ACCESS_POLICY, type AccessPolicy } from './access-policy.js';
import { ApiTokenRepository, type ApiTokenSummary } from './api-token-repository.js';
import { actorLabel, type Caller } from './caller.js';
import { auditStaffChange, requireManagedStaff, type StaffRef } from './managed-staff.js';
import { newSecretToken, tokenHash } from './secret-token.js';
import { StaffRepository } from './staff-repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_API_TOKEN_DAYS = 3 * 365;

const IssueTokenSchema = z.object({
  name: z.string().trim().min(1, 'name what the token is for').max(100),
  expires_in_days: z.number().int().min(1).max(MAX_API_TOKEN_DAYS).optional(),
});

export interface IssuedApiToken {
  /** The bearer secret, returned this once and never again (only its hash is stored). */
  token: string;
  summary: ApiTokenSummary;
}

/**
 * Bearer tokens that administrators issue to API clients and integrations. A token acts with the
 * roles of the account it belongs to (an integration gets an account of its own, without a
 * password), and stops working the moment it is revoked or its account is disabled.
 */
export class ApiTokenService {
  private readonly tokens = new ApiTokenRepository();
  private readonly staff = new StaffRepository();
  private readonly audit = new AuditRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
    private readonly policy: AccessPolicy = DEFAULT_ACCESS_POLICY,
  ) {}

  async issue(caller: Caller, owner: StaffRef, input: { name: string; expires_in_days?: number }): Promise<IssuedApiToken> {
    const request = parseInput(IssueTokenSchema, input, 'token');
    const now = this.clock.now();
    const expiresAt = now + (request.expires_in_days === undefined ? this.policy.apiTokenDefaultTtlMs : request.expires_in_days * DAY_MS);
    const token = newSecretToken('apiToken');
    return this.db.transaction(async (tx) => {
      const member = await requireManagedStaff(this.staff, tx, caller, owner);
      const id = newId();
      await this.tokens.insert(tx, { id, tokenHash: tokenHash(token), staffId: member.id, name: request.name, createdAt: now, createdBy: actorLabel(caller), expiresAt });
      await auditStaffChange(this.audit, tx, caller, now, member, 'api_token_issued', { token_id: id });
      const summary = await this.tokens.find(tx, caller, id);
      return { token, summary: summary! };
    });
  }

  async revoke(caller: Caller, tokenId: string): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      const token = await this.tokens.find(tx, caller, tokenId);
      if (!token) throw notFound('api token', tokenId);
      const member = await requireManagedStaff(this.staff, tx, caller, { id: token.staffId });
      if (!(await this.tokens.revoke(tx, tokenId, now, actorLabel(caller)))) {
        throw new AppError('conflict', 'already_revoked', `api token ${tokenId} is already revoked`);
      }
      await auditStaffChange(this.audit, tx, caller, now, member, 'api_token_revoked', { token_id: tokenId });
    });
  }

  /** Tokens of accounts the caller administers, without their secrets. */
  async list(caller: Caller): Promise<ApiTokenSummary[]> {
    return this.db.transaction((tx) => this.tokens.list(tx, caller));
  }
}
