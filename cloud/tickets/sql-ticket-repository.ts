import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { SqlParams, whereClause } from '../db/sql-params.js';
import { jsonParam, timestampParam } from '../db/sql-values.js';
import { openingAudit, planAlertChange, type TicketChange } from './ticket-changes.js';
import { TicketNotFoundError } from './ticket-errors.js';
import { planClearedBeforeAnyoneActed, planWorkOrderAction, type WorkOrderAction, type WorkOrderEffects } from './work-order-actions.js';
import {
  DEFAULT_LIST_LIMIT,
  MAX_LIST_LIMIT,
  type TicketVisibility,
  type AlertChange,
  type AlertSource,
  type NewTicket,
  type OpenResult,
  type TicketFilter,
  type TicketRepository,
  type AroundChange,
} from './ticket-repository.js';
import {
  PATCH_COLUMNS,
  columnParam,
  newTicketValues,
  toAuditEntry,
  toTicket,
  type AuditRow,
  type TicketRow,
} from './ticket-row.js';
import type { Ticket, TicketAuditEntry } from './ticket.js';
export type { WorkOrderEffects };

/**
 * TicketRepository on PostgreSQL or PGlite. Each change reads the ticket FOR UPDATE, decides in
 * ticket-changes.ts, then writes the patch and its audit entries in the same transaction, so
 * concurrent actions on one ticket apply one after the other against fresh state.
 */
export class SqlTicketRepository implements TicketRepository {
  constructor(private readonly db: SqlDatabase) {}

  openForAlert(ticket: NewTicket, source: AlertSource): Promise<OpenResult> {
    const values = newTicketValues(ticket);
    const params = new SqlParams();
    const placeholders = values.map(([, value]) => params.add(value));
    return this.db.transaction(async (tx) => {
      // The UNIQUE (episode_id) constraint decides between concurrent redeliveries: the loser's
      // INSERT waits for the winner's commit, then does nothing.
      const inserted = await tx.query<TicketRow>(
        `INSERT INTO tickets (${values.map(([column]) => column).join(', ')})
         VALUES (${placeholders.join(', ')})
         ON CONFLICT (episode_id) DO NOTHING
         RETURNING *`,
        params.values,
      );
      const row = inserted.rows[0];
      if (row) {
        await insertAudit(tx, row.id, ticket.openedAt, [openingAudit(ticket, source)]);
        // Dispatch is due at once, as a timer in the same commit: an instance that dies right after
        // the commit leaves it to whichever instance runs due timers next (dispatch/deadline-worker.ts).
        await tx.query(
          `INSERT INTO ticket_timers (ticket_id, chain, base_at, step, round, due_at) VALUES ($1, 'dispatch', $2::timestamptz, 0, 0, $2::timestamptz)`,
          [row.id, timestampParam(ticket.openedAt)],
        );
        return { ticket: toTicket(row), created: true };
      }
      const existing = await tx.query<TicketRow>('SELECT * FROM tickets WHERE episode_id = $1', [ticket.episodeId]);
      return { ticket: toTicket(existing.rows[0]!), created: false };
    });
  }

  applyAlertChange(change: AlertChange, around?: AroundChange): Promise<Ticket | null> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<TicketRow>('SELECT * FROM tickets WHERE episode_id = $1 FOR UPDATE', [change.episodeId]);
      if (!rows[0]) return null;
      const ticket = toTicket(rows[0]);
      const recorded = await tx.query('SELECT 1 FROM ticket_audit WHERE ticket_id = $1 AND alert_revision = $2', [ticket.id, change.revision]);
      const planned = planAlertChange(ticket, change, recorded.rows.length > 0);
      if (!planned) return ticket;
      const changed = await writeChange(tx, ticket, change.at, planned);
      const followUp = planClearedBeforeAnyoneActed(changed, change.at);
      if (!followUp) return changed;
      const after = await writeChange(tx, changed, change.at, followUp.change);
      if (!around) return after;
      await around(tx, changed, after, followUp.effects);
      return lockTicket(tx, after.id);
    });
  }

  async get(id: string): Promise<Ticket | null> {
    const { rows } = await this.db.query<TicketRow>('SELECT * FROM tickets WHERE id = $1', [id]);
    return rows[0] ? toTicket(rows[0]) : null;
  }

  async list(filter: TicketFilter = {}): Promise<Ticket[]> {
    const params = new SqlParams();
    const where: string[] = [];
    if (filter.visibleTo !== undefined) where.push(visibilityCondition(filter.visibleTo, params));
    if (filter.estateId !== undefined) where.push(`estate_id = ${params.add(filter.estateId)}`);
    if (filter.statuses !== undefined) where.push(`status = ANY(${params.add([...filter.statuses])}::text[])`);
    if (filter.type !== undefined) where.push(`type = ${params.add(filter.type)}`);
    if (filter.assigneeId !== undefined) where.push(`${params.add(filter.assigneeId)} = ANY(assignee_ids)`);
    const limit = Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(filter.limit ?? DEFAULT_LIST_LIMIT)));
    const offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const { rows } = await this.db.query<TicketRow>(
      `SELECT * FROM tickets${whereClause(where)}
       ORDER BY opened_at DESC, id DESC
       LIMIT ${params.add(limit)} OFFSET ${params.add(offset)}`,
      params.values,
    );
    return rows.map(toTicket);
  }

  applyAction(id: string, action: WorkOrderAction, at: number, around?: AroundChange): Promise<Ticket> {
    return this.db.transaction(async (tx) => {
      const ticket = await lockTicket(tx, id);
      const planned = planWorkOrderAction(ticket, action, at);
      if (!planned) return ticket;
      const after = await writeChange(tx, ticket, at, planned.change);
      if (!around) return after;
      await around(tx, ticket, after, planned.effects);
      // What went around may have changed the ticket again (a hand-back's redispatch).
      return lockTicket(tx, id);
    });
  }

  changeInTransaction(tx: SqlExecutor, ticket: Ticket, at: number, change: TicketChange): Promise<Ticket> {
    return writeChange(tx, ticket, at, change);
  }

  async auditTrail(id: string): Promise<TicketAuditEntry[]> {
    const { rows } = await this.db.query<AuditRow>('SELECT * FROM ticket_audit WHERE ticket_id = $1 ORDER BY id', [id]);
    return rows.map(toAuditEntry);
  }
}

async function lockTicket(tx: SqlExecutor, id: string): Promise<Ticket> {
  const { rows } = await tx.query<TicketRow>('SELECT * FROM tickets WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw new TicketNotFoundError(id);
  return toTicket(rows[0]);
}

/** Writes the patch, if any (a late revision may only add to the audit trail), and the audit entries. */
async function writeChange(tx: SqlExecutor, ticket: Ticket, at: number, change: TicketChange): Promise<Ticket> {
  await insertAudit(tx, ticket.id, at, change.audit);
  if (Object.keys(change.patch).length === 0) return ticket;
  const params = new SqlParams();
  const assignments = Object.entries(change.patch).map(([field, value]) => {
    const column = PATCH_COLUMNS[field as keyof typeof PATCH_COLUMNS];
    return `${column.name} = ${params.add(columnParam(column, value))}::${column.sqlType}`;
  });
  assignments.push(`updated_at = ${params.add(timestampParam(at))}::timestamptz`);
  const { rows } = await tx.query<TicketRow>(
    `UPDATE tickets SET ${assignments.join(', ')} WHERE id = ${params.add(ticket.id)} RETURNING *`,
    params.values,
  );
  return toTicket(rows[0]!);
}

async function insertAudit(tx: SqlExecutor, ticketId: string, at: number, entries: TicketChange['audit']): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO ticket_audit (ticket_id, at, actor, action, details, alert_revision)
     SELECT $1::text, $2::timestamptz, u.actor, u.action, u.details, u.alert_revision
     FROM unnest($3::text[], $4::text[], $5::jsonb[], $6::integer[]) WITH ORDINALITY AS u (actor, action, details, alert_revision, n)
     ORDER BY u.n`,
    [
      ticketId,
      timestampParam(at),
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => jsonParam(e.details)),
      entries.map((e) => e.alertRevision ?? null),
    ],
  );
}

/** True for tickets of one of the estates, of a type visible there; FALSE for no estate at all. */
function visibilityCondition(visibleTo: readonly TicketVisibility[], params: SqlParams): string {
  const parts = visibleTo
    .filter((scope) => scope.types.length > 0)
    .map((scope) => `(estate_id = ${params.add(scope.estateId)} AND type = ANY(${params.add([...scope.types])}::text[]))`);
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}
