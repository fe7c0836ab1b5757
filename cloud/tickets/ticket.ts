import { z } from 'zod';
import type { AlertCategory, AlertSeverity, AlertState, Evidence, SubjectKind } from '../../shared/contract/index.js';

/** Lifecycle: open > acknowledged > on_site > resolved > closed (shared/contract/README.md, ticket categories). */
export const TICKET_STATUSES = ['open', 'acknowledged', 'on_site', 'resolved', 'closed'] as const;
export const TicketStatusSchema = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

export const TicketPrioritySchema = z.enum(['P1', 'P2', 'P3']);
export type TicketPriority = z.infer<typeof TicketPrioritySchema>;

/** How a visit or repair ended; recorded when a ticket is resolved and feeds false-alarm statistics. */
export const OutcomeCodeSchema = z.enum([
  'resident_well',
  'assistance_given',
  'emergency_services_called',
  'passengers_released',
  'repaired',
  'contractor_dispatched',
  'false_alarm',
  'no_access',
  'other',
]);
export type OutcomeCode = z.infer<typeof OutcomeCodeSchema>;

/** A ticket as the repository returns it. Times are epoch ms; null where it has not happened. */
export interface Ticket {
  id: string;
  episodeId: string;
  estateId: string;
  gatewayId: string;
  type: AlertCategory;
  priority: TicketPriority;
  status: TicketStatus;
  rule: string;
  subjectKind: SubjectKind;
  subjectId: string;
  /** Of the alert's latest revision. */
  severity: AlertSeverity;
  /**
   * The words the ticket was opened for: those of the earliest revision of the episode the cloud has
   * (the raise, once it has arrived), never overwritten by a later update or the clear.
   */
  reasonZh: string;
  reasonEn: string;
  /** The revision reasonZh and reasonEn come from. */
  reasonRevision: number;
  /** The evidence summary of the alert's latest revision. */
  evidence: Evidence;
  /** The alert's latest state from the edge: the highest revision seen, its words and event time. */
  alertState: AlertState;
  alertRevision: number;
  alertReasonZh: string;
  alertReasonEn: string;
  alertChangedAt: number;
  /** Event time of the raising condition on the estate. */
  raisedAt: number;
  /** When the cloud opened the ticket. */
  openedAt: number;
  ackDueAt: number;
  onSiteDueAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  onSiteAt: number | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  outcomeCode: OutcomeCode | null;
  outcomeNote: string | null;
  alertClearedAt: number | null;
  updatedAt: number;
}

/**
 * opened: the first revision of the alert to arrive opened the ticket; alert_raised, alert_updated,
 * alert_cleared: a later-arriving revision of the alert in that state (alert_raised only when the
 * raise arrived after a later revision). Every revision appears once, with its words and evidence.
 */
export type AuditAction =
  | 'opened'
  | 'alert_raised'
  | 'alert_updated'
  | 'alert_cleared'
  | 'acknowledged'
  | 'on_site'
  | 'resolved'
  | 'closed';

/** One line of a ticket's audit trail: every change is kept, with who made it. */
export interface TicketAuditEntry {
  id: number;
  ticketId: string;
  at: number;
  /** 'system', 'gateway:{id}', or the staff id who acted. */
  actor: string;
  action: AuditAction;
  details: Record<string, unknown>;
}
