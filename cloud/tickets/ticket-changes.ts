import { slaStart } from './ticket-policy.js';
import { TicketTransitionError, type TicketAction } from './ticket-errors.js';
import type { AlertChange } from './ticket-repository.js';
import type { OutcomeCode, Ticket, TicketAuditEntry } from './ticket.js';

/** The fields a change may set; identity, origin and openedAt never change. */
export type TicketPatch = Partial<
  Pick<
    Ticket,
    | 'status'
    | 'severity'
    | 'reasonZh'
    | 'reasonEn'
    | 'evidence'
    | 'alertState'
    | 'alertRevision'
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
  >
>;

export type AuditDraft = Pick<TicketAuditEntry, 'actor' | 'action' | 'details'>;

/** What to write for one change: the new field values and the audit entries that explain them. */
export interface TicketChange {
  patch: TicketPatch;
  audit: AuditDraft[];
}

export interface Resolution {
  outcomeCode: OutcomeCode;
  note: string | null;
}

/**
 * Decides a staff action from the ticket's current state. Returns null when the ticket already says
 * what the action would record (the same person acknowledging again, arriving on site again); throws
 * TicketTransitionError when the lifecycle does not allow it.
 */
export function planStaffAction(
  ticket: Ticket,
  action: TicketAction,
  by: string,
  at: number,
  resolution?: Resolution,
): TicketChange | null {
  const refuse = (detail?: string) => new TicketTransitionError(ticket.id, action, ticket.status, detail);
  switch (action) {
    case 'acknowledge':
      if (ticket.status === 'acknowledged' && ticket.acknowledgedBy === by) return null;
      if (ticket.status === 'acknowledged') throw refuse(`acknowledged by ${ticket.acknowledgedBy ?? 'someone else'}`);
      if (ticket.status !== 'open') throw refuse();
      return {
        patch: { status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by },
        audit: [{ actor: by, action: 'acknowledged', details: {} }],
      };
    case 'on_site': {
      if (ticket.status === 'on_site') return null;
      if (ticket.status !== 'open' && ticket.status !== 'acknowledged') throw refuse();
      const impliedAck: TicketChange | null =
        ticket.status === 'open'
          ? {
              patch: { acknowledgedAt: at, acknowledgedBy: by },
              audit: [{ actor: by, action: 'acknowledged', details: { implied_by: 'on_site' } }],
            }
          : null;
      return {
        patch: { ...impliedAck?.patch, status: 'on_site', onSiteAt: at },
        audit: [...(impliedAck?.audit ?? []), { actor: by, action: 'on_site', details: {} }],
      };
    }
    case 'resolve':
      if (ticket.status === 'resolved' || ticket.status === 'closed') throw refuse();
      if (!resolution) throw new Error('resolve needs an outcome code');
      return {
        patch: {
          status: 'resolved',
          resolvedAt: at,
          resolvedBy: by,
          outcomeCode: resolution.outcomeCode,
          outcomeNote: resolution.note,
        },
        audit: [{ actor: by, action: 'resolved', details: { outcome_code: resolution.outcomeCode, note: resolution.note } }],
      };
  }
}

/**
 * Decides what an edge change does to the episode's ticket; null when nothing changes.
 * - A newer revision replaces the alert fields (state, severity, reason, evidence); cleared sets
 *   alertClearedAt from the change's event time. The status is left alone.
 * - A change observed before raisedAt (the raise arrived after a later change opened the ticket)
 *   moves raisedAt to it and the due times earlier by as much as the SLA start moves.
 */
export function planAlertChange(ticket: Ticket, change: AlertChange): TicketChange | null {
  const newer = change.revision > ticket.alertRevision;
  const earlier = change.eventTime < ticket.raisedAt;
  if (!newer && !earlier) return null;
  const patch: TicketPatch = {};
  const details: Record<string, unknown> = {
    alert_id: change.alertId,
    revision: change.revision,
    state: change.state,
    stale: !newer,
  };
  if (newer) {
    Object.assign(patch, {
      alertState: change.state,
      alertRevision: change.revision,
      severity: change.severity,
      reasonZh: change.reasonZh,
      reasonEn: change.reasonEn,
      evidence: change.evidence,
      alertClearedAt: change.state === 'cleared' ? change.eventTime : null,
    } satisfies TicketPatch);
  }
  if (earlier) {
    const shift = slaStart(ticket.raisedAt, ticket.openedAt) - slaStart(change.eventTime, ticket.openedAt);
    Object.assign(patch, {
      raisedAt: change.eventTime,
      ackDueAt: ticket.ackDueAt - shift,
      onSiteDueAt: ticket.onSiteDueAt - shift,
    } satisfies TicketPatch);
    details.raised_at_moved_from = new Date(ticket.raisedAt).toISOString();
  }
  const action = newer && change.state === 'cleared' ? 'alert_cleared' : 'alert_updated';
  return { patch, audit: [{ actor: change.actor, action, details }] };
}
