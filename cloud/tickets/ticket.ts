import { z } from 'zod';
import type { AlertCategory, AlertSeverity, AlertState, Evidence, SubjectKind } from '../../shared/contract/index.js';
import type { EscalationChains } from './ticket-policy.js';

/**
 * Lifecycle of a work order: open (not yet dispatched, or waiting in the grab pool) > assigned (派单)
 * > acknowledged (接单) > on_site (到场) > resolved (回单) > followed_up (回访) > closed. on_hold (挂起)
 * is a side state a supervisor approves, left by arrival or resolution. A ticket without a follow-up
 * closes when resolved; a follow-up of "needs more" leaves it followed_up for a supervisor to close.
 */
export const TICKET_STATUSES = ['open', 'assigned', 'acknowledged', 'on_site', 'on_hold', 'resolved', 'followed_up', 'closed'] as const;
export const TicketStatusSchema = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;
/** Statuses of a ticket still being worked: someone is to accept it, go, or finish the work. */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['open', 'assigned', 'acknowledged', 'on_site', 'on_hold'];

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

/** What the follow-up call (回访) found. */
export const FollowUpOutcomeSchema = z.enum(['reached', 'satisfied', 'needs_more', 'unreachable']);
export type FollowUpOutcome = z.infer<typeof FollowUpOutcomeSchema>;

/**
 * What a ticket took from its estate's policy when it opened: the escalation chains and the follow-up
 * window. Editing the policy later changes tickets opened later, never this one.
 */
export interface TicketEscalation {
  policyVersion: number;
  followUpWithinMs: number | null;
  poolForMs: number | null;
  chains: EscalationChains;
}

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
  /** The people who must act (one per role the category needs); empty while open. */
  assigneeIds: string[];
  /** The people told without having to act. */
  informedIds: string[];
  /** Who handed it back (退回); not given it again by the roster. */
  declinedIds: string[];
  assignedAt: number | null;
  /** Waiting in the grab pool (抢单) until then; dispatched when it passes. */
  pooledUntil: number | null;
  /** The gateway-offline ticket this device-offline ticket waits behind, not dispatched on its own. */
  heldBehind: string | null;
  /** A hold (挂起/延期): requested with a reason and a new due time; approved by a supervisor. */
  holdUntil: number | null;
  holdReason: string | null;
  holdRequestedBy: string | null;
  holdApprovedBy: string | null;
  /** A photo of the completed work (回单), as a reference to where it is kept. */
  photoRef: string | null;
  followUpDueAt: number | null;
  followedUpAt: number | null;
  followedUpBy: string | null;
  followUpOutcome: FollowUpOutcome | null;
  followUpNote: string | null;
  closedAt: number | null;
  closedBy: string | null;
  /** Null only for tickets opened before dispatch existed. */
  escalation: TicketEscalation | null;
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
  | 'closed'
  | 'assigned'
  | 'pooled'
  | 'grabbed'
  | 'informed'
  | 'dispatch_failed'
  | 'handed_back'
  | 'reassigned'
  | 'hold_requested'
  | 'hold_approved'
  | 'hold_refused'
  | 'escalated'
  | 'follow_up_scheduled'
  | 'followed_up'
  | 'held_behind'
  | 'released';

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
