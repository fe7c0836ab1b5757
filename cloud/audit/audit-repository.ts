import { actorOf, type Caller } from '../access/caller.js';
import { scopeCondition } from '../access/access-scope.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { epochMs, integer, jsonParam, timestampParam } from '../db/sql-values.js';
import type { z } from 'zod';
import type { AuditEntry, AuditFilterSchema, AuditedChange, ReadContext } from './audit-entry.js';

interface AuditRow {
  id: string | number;
  at: Date;
  estate_id: string | null;
  kind: 'read' | 'change';
  action: string;
  unit_id: string | null;
  subject_id: string | null;
  actor_kind: AuditEntry['actor']['kind'];
  actor_id: string;
  actor_via: string | null;
  purpose: string | null;
  route: string | null;
  details: Record<string, unknown>;
}

/**
 * The audit log of reads of residents' data and of changes. Writers take the transaction of the
 * read or change they record, so the entry exists exactly when the read or change happened.
 */
export class AuditRepository {
  /**
   * One entry per household read (a list of ten households is ten entries, each findable by household);
   * unitId null: a read of an estate's data that names no household (a lift's evidence).
   */
  async recordReads(
    tx: SqlExecutor,
    caller: Caller,
    at: number,
    action: string,
    households: ReadonlyArray<{ estateId: string; unitId: string | null; subjectId?: string }>,
    context: ReadContext,
  ): Promise<void> {
    if (households.length === 0) return;
    const actor = actorOf(caller);
    await tx.query(
      `INSERT INTO audit_log (at, estate_id, kind, action, unit_id, subject_id, actor_kind, actor_id, actor_via, purpose, route)
       SELECT $1, h.estate_id, 'read', $2, h.unit_id, h.subject_id, $3, $4, $5, $6, $7
       FROM unnest($8::text[], $9::text[], $10::text[]) AS h (estate_id, unit_id, subject_id)`,
      [
        timestampParam(at),
        action,
        actor.kind,
        actor.id,
        actor.via,
        context.purpose,
        context.route,
        households.map((h) => h.estateId),
        households.map((h) => h.unitId),
        households.map((h) => h.subjectId ?? null),
      ],
    );
  }

  async recordChange(tx: SqlExecutor, caller: Caller, at: number, change: AuditedChange): Promise<void> {
    const actor = actorOf(caller);
    await tx.query(
      `INSERT INTO audit_log (at, estate_id, kind, action, unit_id, subject_id, actor_kind, actor_id, actor_via, route, details)
       VALUES ($1, $2, 'change', $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
      [
        timestampParam(at),
        change.estateId,
        change.action,
        change.unitId ?? null,
        change.subjectId ?? null,
        actor.kind,
        actor.id,
        actor.via,
        change.route ?? null,
        jsonParam(change.details ?? {}),
      ],
    );
  }

  /**
   * Entries of the estates where the caller may read the audit log, newest first. Installation-wide
   * entries (no estate) only for the installation's administrator.
   */
  async list(tx: SqlExecutor, caller: Caller, filter: z.output<typeof AuditFilterSchema>): Promise<AuditEntry[]> {
    const params = new SqlParams();
    const scope = scopeCondition(caller, 'audit.read', params, { estate: 'estate_id' });
    const where = [caller.allEstates ? `(${scope} OR estate_id IS NULL)` : scope];
    if (filter.estate_id !== undefined) where.push(`estate_id = ${params.add(filter.estate_id)}`);
    if (filter.unit_id !== undefined) where.push(`unit_id = ${params.add(filter.unit_id)}`);
    if (filter.actor_id !== undefined) where.push(`actor_id = ${params.add(filter.actor_id)}`);
    if (filter.kind !== undefined) where.push(`kind = ${params.add(filter.kind)}`);
    if (filter.since !== undefined) where.push(`at >= ${params.add(timestampParam(filter.since))}`);
    if (filter.until !== undefined) where.push(`at < ${params.add(timestampParam(filter.until))}`);
    if (filter.before_id !== undefined) where.push(`id < ${params.add(filter.before_id)}`);
    const { rows } = await tx.query<AuditRow>(
      `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${params.add(filter.limit)}`,
      params.values,
    );
    return rows.map(toEntry);
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: integer(row.id),
    at: epochMs(row.at),
    estateId: row.estate_id,
    kind: row.kind,
    action: row.action,
    unitId: row.unit_id,
    subjectId: row.subject_id,
    actor: { kind: row.actor_kind, id: row.actor_id, via: row.actor_via },
    purpose: row.purpose,
    route: row.route,
    details: row.details,
  };
}
