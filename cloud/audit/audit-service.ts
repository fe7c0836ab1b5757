import type { Caller } from '../access/caller.js';
import { demand, requireEstate } from '../access/access-scope.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { parseInput } from '../platform/parse-input.js';
import { AuditFilterSchema, type AuditEntry, type AuditFilter } from './audit-entry.js';
import { AuditRepository } from './audit-repository.js';

/** The audit log as an estate manager lists it. */
export class AuditService {
  private readonly audit = new AuditRepository();

  constructor(private readonly db: SqlDatabase) {}

  /**
   * Entries the caller may see, newest first; page on with before_id. An estate named in the filter
   * that the caller holds no role in is not_found, one where they may not read the log forbidden.
   */
  async list(caller: Caller, filter: AuditFilter): Promise<AuditEntry[]> {
    const parsed = parseInput(AuditFilterSchema, filter, 'filter');
    if (parsed.estate_id !== undefined) {
      requireEstate(caller, parsed.estate_id);
      demand(caller, 'audit.read', { estateId: parsed.estate_id });
    }
    return this.db.transaction((tx) => this.audit.list(tx, caller, parsed));
  }
}
