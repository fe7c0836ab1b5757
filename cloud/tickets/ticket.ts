import { z } from 'zod';
import type { AlertCategory, AlertSeverity, AlertState, Evidence, SubjectKind } from '../../shared/contract/index.js';

/** Lifecycle of DESIGN.md: open > acknowledged > on_site > resolved > closed. */
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
  severity: AlertSeverity;
  reasonZh: string;
  reasonEn: string;
  evidence: Evidence;
  /** Latest alert state and revision seen from the edge for this episode. */
  alertState: AlertState;
  alertRevision: number;
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

/** One line of a ticket's audit trail: every change is kept (DESIGN.md). */
export interface TicketAuditEntry {
  id: number;
  ticketId: string;
  at: number;
  /** 'system', 'gateway:{id}', or the staff id who acted. */
  actor: string;
  action: 'opened' | 'alert_updated' | 'alert_cleared' | 'acknowledged' | 'on_site' | 'resolved' | 'closed';
  details: Record<string, unknown>;
}
