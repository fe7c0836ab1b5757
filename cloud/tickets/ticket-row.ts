import type { AlertCategory, AlertSeverity, AlertState, Evidence, SubjectKind } from '../../shared/contract/index.js';
import { epochMs, epochMsOrNull, integer, jsonParam, timestampParam, timestampParamOrNull } from '../db/sql-values.js';
import type { TicketPatch } from './ticket-changes.js';
import type { NewTicket } from './ticket-repository.js';
import type { FollowUpOutcome, OutcomeCode, Ticket, TicketAuditEntry, TicketEscalation, TicketPriority, TicketStatus } from './ticket.js';

/** A row of the tickets table as both drivers return it (timestamptz as Date, jsonb parsed). */
export interface TicketRow {
  id: string;
  episode_id: string;
  estate_id: string;
  gateway_id: string;
  type: string;
  priority: string;
  status: string;
  rule: string;
  subject_kind: string;
  subject_id: string;
  severity: string;
  reason_zh: string;
  reason_en: string;
  reason_revision: number;
  evidence: Evidence;
  alert_state: string;
  alert_revision: number;
  alert_reason_zh: string;
  alert_reason_en: string;
  alert_changed_at: Date;
  raised_at: Date;
  opened_at: Date;
  ack_due_at: Date;
  on_site_due_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  on_site_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  outcome_code: string | null;
  outcome_note: string | null;
  alert_cleared_at: Date | null;
  assignee_ids: string[];
  informed_ids: string[];
  declined_ids: string[];
  assigned_at: Date | null;
  pooled_until: Date | null;
  held_behind: string | null;
  hold_until: Date | null;
  hold_reason: string | null;
  hold_requested_by: string | null;
  hold_approved_by: string | null;
  photo_ref: string | null;
  follow_up_due_at: Date | null;
  followed_up_at: Date | null;
  followed_up_by: string | null;
  follow_up_outcome: string | null;
  follow_up_note: string | null;
  closed_at: Date | null;
  closed_by: string | null;
  escalation: TicketEscalation | null;
  updated_at: Date;
}

export interface AuditRow {
  id: number | string;
  ticket_id: string;
  at: Date;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    episodeId: row.episode_id,
    estateId: row.estate_id,
    gatewayId: row.gateway_id,
    type: row.type as AlertCategory,
    priority: row.priority as TicketPriority,
    status: row.status as TicketStatus,
    rule: row.rule,
    subjectKind: row.subject_kind as SubjectKind,
    subjectId: row.subject_id,
    severity: row.severity as AlertSeverity,
    reasonZh: row.reason_zh,
    reasonEn: row.reason_en,
    reasonRevision: row.reason_revision,
    evidence: row.evidence,
    alertState: row.alert_state as AlertState,
    alertRevision: row.alert_revision,
    alertReasonZh: row.alert_reason_zh,
    alertReasonEn: row.alert_reason_en,
    alertChangedAt: epochMs(row.alert_changed_at),
    raisedAt: epochMs(row.raised_at),
    openedAt: epochMs(row.opened_at),
    ackDueAt: epochMs(row.ack_due_at),
    onSiteDueAt: epochMs(row.on_site_due_at),
    acknowledgedAt: epochMsOrNull(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    onSiteAt: epochMsOrNull(row.on_site_at),
    resolvedAt: epochMsOrNull(row.resolved_at),
    resolvedBy: row.resolved_by,
    outcomeCode: row.outcome_code as OutcomeCode | null,
    outcomeNote: row.outcome_note,
    alertClearedAt: epochMsOrNull(row.alert_cleared_at),
    assigneeIds: row.assignee_ids,
    informedIds: row.informed_ids,
    declinedIds: row.declined_ids,
    assignedAt: epochMsOrNull(row.assigned_at),
    pooledUntil: epochMsOrNull(row.pooled_until),
    heldBehind: row.held_behind,
    holdUntil: epochMsOrNull(row.hold_until),
    holdReason: row.hold_reason,
    holdRequestedBy: row.hold_requested_by,
    holdApprovedBy: row.hold_approved_by,
    photoRef: row.photo_ref,
    followUpDueAt: epochMsOrNull(row.follow_up_due_at),
    followedUpAt: epochMsOrNull(row.followed_up_at),
    followedUpBy: row.followed_up_by,
    followUpOutcome: row.follow_up_outcome as FollowUpOutcome | null,
    followUpNote: row.follow_up_note,
    closedAt: epochMsOrNull(row.closed_at),
    closedBy: row.closed_by,
    escalation: row.escalation,
    updatedAt: epochMs(row.updated_at),
  };
}

export function toAuditEntry(row: AuditRow): TicketAuditEntry {
  return {
    id: integer(row.id),
    ticketId: row.ticket_id,
    at: epochMs(row.at),
    actor: row.actor,
    action: row.action as TicketAuditEntry['action'],
    details: row.details,
  };
}

type Column = { name: string; sqlType: 'text' | 'integer' | 'timestamptz' | 'jsonb' | 'text[]' };

const text = (name: string): Column => ({ name, sqlType: 'text' });
const time = (name: string): Column => ({ name, sqlType: 'timestamptz' });
const int = (name: string): Column => ({ name, sqlType: 'integer' });
const texts = (name: string): Column => ({ name, sqlType: 'text[]' });

/** Column of every field a patch may set; the type drives the parameter conversion and cast. */
export const PATCH_COLUMNS: Record<keyof TicketPatch, Column> = {
  status: text('status'),
  severity: text('severity'),
  reasonZh: text('reason_zh'),
  reasonEn: text('reason_en'),
  reasonRevision: int('reason_revision'),
  evidence: { name: 'evidence', sqlType: 'jsonb' },
  alertState: text('alert_state'),
  alertRevision: int('alert_revision'),
  alertReasonZh: text('alert_reason_zh'),
  alertReasonEn: text('alert_reason_en'),
  alertChangedAt: time('alert_changed_at'),
  raisedAt: time('raised_at'),
  ackDueAt: time('ack_due_at'),
  onSiteDueAt: time('on_site_due_at'),
  acknowledgedAt: time('acknowledged_at'),
  acknowledgedBy: text('acknowledged_by'),
  onSiteAt: time('on_site_at'),
  resolvedAt: time('resolved_at'),
  resolvedBy: text('resolved_by'),
  outcomeCode: text('outcome_code'),
  outcomeNote: text('outcome_note'),
  alertClearedAt: time('alert_cleared_at'),
  assigneeIds: texts('assignee_ids'),
  informedIds: texts('informed_ids'),
  declinedIds: texts('declined_ids'),
  assignedAt: time('assigned_at'),
  pooledUntil: time('pooled_until'),
  heldBehind: text('held_behind'),
  holdUntil: time('hold_until'),
  holdReason: text('hold_reason'),
  holdRequestedBy: text('hold_requested_by'),
  holdApprovedBy: text('hold_approved_by'),
  photoRef: text('photo_ref'),
  followUpDueAt: time('follow_up_due_at'),
  followedUpAt: time('followed_up_at'),
  followedUpBy: text('followed_up_by'),
  followUpOutcome: text('follow_up_outcome'),
  followUpNote: text('follow_up_note'),
  closedAt: time('closed_at'),
  closedBy: text('closed_by'),
};

export function columnParam(column: Column, value: unknown): unknown {
  if (value === null) return null;
  if (column.sqlType === 'timestamptz') return timestampParam(value as number);
  if (column.sqlType === 'jsonb') return jsonParam(value);
  return value;
}

/** Columns and values of an INSERT of a new, open ticket, in matching order. */
export function newTicketValues(ticket: NewTicket): Array<[string, unknown]> {
  return [
    ['id', ticket.id],
    ['episode_id', ticket.episodeId],
    ['estate_id', ticket.estateId],
    ['gateway_id', ticket.gatewayId],
    ['type', ticket.type],
    ['priority', ticket.priority],
    ['status', 'open' satisfies TicketStatus],
    ['rule', ticket.rule],
    ['subject_kind', ticket.subjectKind],
    ['subject_id', ticket.subjectId],
    ['severity', ticket.severity],
    ['reason_zh', ticket.reasonZh],
    ['reason_en', ticket.reasonEn],
    ['reason_revision', ticket.reasonRevision],
    ['evidence', jsonParam(ticket.evidence)],
    ['alert_state', ticket.alertState],
    ['alert_revision', ticket.alertRevision],
    ['alert_reason_zh', ticket.alertReasonZh],
    ['alert_reason_en', ticket.alertReasonEn],
    ['alert_changed_at', timestampParam(ticket.alertChangedAt)],
    ['raised_at', timestampParam(ticket.raisedAt)],
    ['opened_at', timestampParam(ticket.openedAt)],
    ['ack_due_at', timestampParam(ticket.ackDueAt)],
    ['on_site_due_at', timestampParam(ticket.onSiteDueAt)],
    ['alert_cleared_at', timestampParamOrNull(ticket.alertClearedAt)],
    ['escalation', jsonParam(ticket.escalation)],
    ['updated_at', timestampParam(ticket.openedAt)],
  ];
}
