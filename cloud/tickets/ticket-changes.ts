import { toWireTime } from '../../shared/contract/index.js';
import { slaStart } from './ticket-policy.js';
import type { AlertChange, AlertSource, NewTicket } from './ticket-repository.js';
import type { AuditAction, Ticket, TicketAuditEntry } from './ticket.js';

/** The fields a change may set; identity, origin and openedAt never change. */
export type TicketPatch = Partial<
  Pick<
    Ticket,
    | 'status'
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
    | 'ackDueAt'
    | 'onSiteDueAt'
    | 'acknowledgedAt'
    | 'acknowledgedBy'
    | 'onSiteAt'
    | 'resolvedAt'
    | 'resolvedBy'
    | 'outcomeCode'
    | 'outcomeNote'
    | 'alertClearedAt'
    | 'assigneeIds'
    | 'informedIds'
    | 'declinedIds'
    | 'assignedAt'
    | 'pooledUntil'
    | 'heldBehind'
    | 'holdUntil'
    | 'holdReason'
    | 'holdRequestedBy'
    | 'holdApprovedBy'
    | 'photoRef'
    | 'followUpDueAt'
    | 'followedUpAt'
    | 'followedUpBy'
    | 'followUpOutcome'
    | 'followUpNote'
    | 'closedAt'
    | 'closedBy'
  >
>;

export type AuditDraft = Pick<TicketAuditEntry, 'actor' | 'action' | 'details'> & {
  /** The alert revision the entry records; each revision is recorded once per ticket. */
  alertRevision?: number;
};

/** What to write for one change: the new field values and the audit entries that explain them. */
export interface TicketChange {
  patch: TicketPatch;
  audit: AuditDraft[];
}

/** What one revision of an alert said, as the audit trail keeps it. */
type AlertRevision = Pick<AlertChange, 'alertId' | 'revision' | 'state' | 'severity' | 'reasonZh' | 'reasonEn' | 'evidence' | 'eventTime'>;

const AUDIT_ACTION_OF_STATE: Readonly<Record<AlertChange['state'], AuditAction>> = {
  raised: 'alert_raised',
  updated: 'alert_updated',
  cleared: 'alert_cleared',
};

function revisionAudit(actor: string, action: AuditAction, alert: AlertRevision, extra: Record<string, unknown> = {}): AuditDraft {
  return {
    actor,
    action,
    alertRevision: alert.revision,
    details: {
      alert_id: alert.alertId,
      revision: alert.revision,
      state: alert.state,
      severity: alert.severity,
      reason: { zh: alert.reasonZh, en: alert.reasonEn },
      evidence: alert.evidence,
      event_time: toWireTime(alert.eventTime),
      ...extra,
    },
  };
}

/** The audit entry of a ticket opened by a revision of its alert. */
export function openingAudit(ticket: NewTicket, source: AlertSource): AuditDraft {
  return revisionAudit(source.actor, 'opened', {
    alertId: source.alertId,
    revision: ticket.alertRevision,
    state: ticket.alertState,
    severity: ticket.severity,
    reasonZh: ticket.alertReasonZh,
    reasonEn: ticket.alertReasonEn,
    evidence: ticket.evidence,
    eventTime: ticket.alertChangedAt,
  });
}

/**
 * Decides what an edge change does to the episode's ticket; null when nothing changes, which is the
 * case for a revision the audit trail already has (a redelivery). Otherwise the revision is recorded
 * in the audit trail with its words and evidence, whatever the order it arrives in, and:
 * - a newer revision becomes the alert's latest state (state, severity, words, evidence, event time);
 *   cleared sets alertClearedAt. The status is left alone: a person resolves the ticket.
 * - an earlier revision than the one the ticket's words come from (a raise that arrived after a later
 *   change opened the ticket) gives the ticket its words.
 * - a change observed before raisedAt moves raisedAt to it and the due times earlier by as much as
 *   the SLA start moves.
 */
export function planAlertChange(ticket: Ticket, change: AlertChange, revisionRecorded: boolean): TicketChange | null {
  if (revisionRecorded) return null;
  const newer = change.revision > ticket.alertRevision;
  const patch: TicketPatch = {};
  const extra: Record<string, unknown> = { stale: !newer };
  if (newer) {
    Object.assign(patch, {
      alertState: change.state,
      alertRevision: change.revision,
      alertReasonZh: change.reasonZh,
      alertReasonEn: change.reasonEn,
      alertChangedAt: change.eventTime,
      severity: change.severity,
      evidence: change.evidence,
      alertClearedAt: change.state === 'cleared' ? change.eventTime : null,
    } satisfies TicketPatch);
  }
  if (change.revision < ticket.reasonRevision) {
    Object.assign(patch, { reasonZh: change.reasonZh, reasonEn: change.reasonEn, reasonRevision: change.revision } satisfies TicketPatch);
  }
  if (change.eventTime < ticket.raisedAt) {
    const shift = slaStart(ticket.raisedAt, ticket.openedAt) - slaStart(change.eventTime, ticket.openedAt);
    Object.assign(patch, {
      raisedAt: change.eventTime,
      ackDueAt: ticket.ackDueAt - shift,
      onSiteDueAt: ticket.onSiteDueAt - shift,
    } satisfies TicketPatch);
    extra.raised_at_moved_from = toWireTime(ticket.raisedAt);
  }
  return { patch, audit: [revisionAudit(change.actor, AUDIT_ACTION_OF_STATE[change.state], change, extra)] };
}
