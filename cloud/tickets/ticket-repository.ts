import type { AlertCategory, AlertItem } from '../../shared/contract/index.js';
import type { SqlExecutor } from '../db/sql-database.js';
import type { TicketChange } from './ticket-changes.js';
import type { WorkOrderAction, WorkOrderEffects } from './work-order-actions.js';
import type { Ticket, TicketAuditEntry, TicketEscalation, TicketStatus } from './ticket.js';

/** What opening a ticket needs: everything but the lifecycle fields, which start empty. */
export type NewTicket = Pick<
  Ticket,
  | 'id'
  | 'episodeId'
  | 'estateId'
  | 'gatewayId'
  | 'type'
  | 'priority'
  | 'rule'
  | 'subjectKind'
  | 'subjectId'
  | 'severity'
  | 'reasonZh'
  | 'reasonEn'
  | 'reasonRevision'
  | 'evidence'
  | 'alertState'
  | 'alertRevision'
  | 'alertReasonZh'
  | 'alertReasonEn'
  | 'alertChangedAt'
  | 'raisedAt'
  | 'openedAt'
  | 'ackDueAt'
  | 'onSiteDueAt'
  | 'alertClearedAt'
> & { escalation: TicketEscalation };

/** Who caused a change from the edge, for the audit trail. */
export interface AlertSource {
  /** 'gateway:{id}' */
  actor: string;
  /** Idempotency id of the alert item. */
  alertId: AlertItem['id'];
}

/** A later (or late) change of an alert episode from the edge. */
export interface AlertChange extends AlertSource {
  episodeId: string;
  revision: number;
  state: AlertItem['state'];
  severity: AlertItem['severity'];
  reasonZh: string;
  reasonEn: string;
  evidence: AlertItem['evidence'];
  /** Event time of this change on the estate. */
  eventTime: number;
  /** When the cloud applies it. */
  at: number;
}

/** Ticket types the caller may see in one estate (ticket-scope.ts derives them from roles). */
export interface TicketVisibility {
  estateId: string;
  types: readonly AlertCategory[];
}

export interface TicketFilter {
  /** Only tickets of these estates and types; none when empty. Omitted: unscoped (ingest, tests). */
  visibleTo?: readonly TicketVisibility[];
  estateId?: string;
  statuses?: readonly TicketStatus[];
  type?: AlertCategory;
  /** Only tickets assigned to this staff member. */
  assigneeId?: string;
  /** DEFAULT_LIST_LIMIT when omitted; at most MAX_LIST_LIMIT. */
  limit?: number;
  offset?: number;
}

/** Work done in the transaction of a ticket change: clocks stopped and started, people told. */
export type AroundChange = (tx: SqlExecutor, before: Ticket, after: Ticket, effects: WorkOrderEffects) => Promise<void>;

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

export interface OpenResult {
  ticket: Ticket;
  /** False when a ticket for the episode already existed; that ticket is returned unchanged. */
  created: boolean;
}

/**
 * Where tickets live. One ticket per alert episode; every change writes an audit entry in the same
 * transaction. Staff actions throw TicketNotFoundError for an unknown id and TicketTransitionError
 * for an action the current status does not allow. Repeating an acknowledgement by the same person,
 * or recording arrival on site again, returns the ticket unchanged and adds no audit entry.
 */
export interface TicketRepository {
  /** Opens the episode's ticket unless it has one (INSERT ... ON CONFLICT (episode_id) DO NOTHING). */
  openForAlert(ticket: NewTicket, source: AlertSource): Promise<OpenResult>;
  /**
   * Applies an edge change to the episode's ticket; null when the episode has no ticket. Each revision
   * is recorded in the audit trail once, with its words and evidence; a redelivered one changes
   * nothing. A revision above the stored one becomes the alert's latest state; one below the revision
   * the ticket's words come from gives the ticket its words (the raise arrived after a later change);
   * a change whose event time precedes raisedAt moves raisedAt and the due times earlier. cleared
   * records alertClearedAt but leaves the status alone: a person resolves the ticket.
   */
  applyAlertChange(change: AlertChange, around?: AroundChange): Promise<Ticket | null>;
  get(id: string): Promise<Ticket | null>;
  /** Newest first (opened_at, then id, descending). */
  list(filter?: TicketFilter): Promise<Ticket[]>;
  /**
   * A work-order action (work-order-actions.ts) on a locked ticket; around runs in the same
   * transaction with the ticket before and after and what the change sets going around it.
   */
  applyAction(id: string, action: WorkOrderAction, at: number, around?: AroundChange): Promise<Ticket>;
  /** Writes a decided change (patch and audit) in the caller's transaction. */
  changeInTransaction(tx: SqlExecutor, ticket: Ticket, at: number, change: TicketChange): Promise<Ticket>;
  /** Oldest first; empty for an unknown id. */
  auditTrail(id: string): Promise<TicketAuditEntry[]>;
}
