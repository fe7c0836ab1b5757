import { z } from 'zod';
import { AlertCategorySchema, AlertSeveritySchema, AlertStateSchema, EvidenceSchema, SubjectKindSchema } from '../../shared/contract/index.js';
import { iso, isoOrNull } from './api-time.js';
import { FollowUpOutcomeSchema, OutcomeCodeSchema, TicketPrioritySchema, TicketStatusSchema, type Ticket, type TicketAuditEntry } from '../tickets/ticket.js';

const Time = z.iso.datetime();
const OptionalTime = Time.nullable();
const Words = z.object({ zh: z.string(), en: z.string() });

/** The alert's latest state from the edge, shown beside the words the ticket was opened for. */
const AlertNowSchema = z.object({
  state: AlertStateSchema,
  revision: z.number().int().positive(),
  reason: Words,
  /** Event time of that revision on the estate. */
  at: Time,
  cleared_at: OptionalTime,
});

/** A ticket as the API shows it: snake_case keys and ISO 8601 times, like the MQTT contract. */
export const TicketViewSchema = z.object({
  id: z.string(),
  episode_id: z.string(),
  estate_id: z.string(),
  gateway_id: z.string(),
  type: AlertCategorySchema,
  priority: TicketPrioritySchema,
  status: TicketStatusSchema,
  rule: z.string(),
  subject: z.object({ kind: SubjectKindSchema, id: z.string() }),
  /** Severity and evidence summary of the alert's latest revision. */
  severity: AlertSeveritySchema,
  /** The words the ticket was opened for (the raise's); a later update or the clear never replaces them. */
  reason: Words,
  evidence: EvidenceSchema,
  alert: AlertNowSchema,
  raised_at: Time,
  opened_at: Time,
  ack_due_at: Time,
  on_site_due_at: Time,
  acknowledged_at: OptionalTime,
  acknowledged_by: z.string().nullable(),
  on_site_at: OptionalTime,
  resolved_at: OptionalTime,
  resolved_by: z.string().nullable(),
  outcome_code: OutcomeCodeSchema.nullable(),
  outcome_note: z.string().nullable(),
  photo_ref: z.string().nullable(),
  /** Staff ids who must act, and who are told. */
  assignees: z.array(z.string()),
  informed: z.array(z.string()),
  assigned_at: OptionalTime,
  /** In the grab pool (抢单) until then. */
  pooled_until: OptionalTime,
  /** The gateway-offline ticket this one waits behind. */
  held_behind: z.string().nullable(),
  hold: z
    .object({ until: Time, reason: z.string().nullable(), requested_by: z.string().nullable(), approved_by: z.string().nullable() })
    .nullable(),
  follow_up: z
    .object({ due_at: Time, done_at: OptionalTime, by: z.string().nullable(), outcome: FollowUpOutcomeSchema.nullable(), note: z.string().nullable() })
    .nullable(),
  closed_at: OptionalTime,
  closed_by: z.string().nullable(),
  updated_at: Time,
});
export type TicketView = z.infer<typeof TicketViewSchema>;

export const AuditEntryViewSchema = z.object({
  at: Time,
  actor: z.string(),
  action: z.string(),
  /** For alert entries: revision, state, severity, reason { zh, en }, evidence and event_time of that revision. */
  details: z.record(z.string(), z.unknown()),
});

export function toTicketView(ticket: Ticket): TicketView {
  return {
    id: ticket.id,
    episode_id: ticket.episodeId,
    estate_id: ticket.estateId,
    gateway_id: ticket.gatewayId,
    type: ticket.type,
    priority: ticket.priority,
    status: ticket.status,
    rule: ticket.rule,
    subject: { kind: ticket.subjectKind, id: ticket.subjectId },
    severity: ticket.severity,
    reason: { zh: ticket.reasonZh, en: ticket.reasonEn },
    evidence: ticket.evidence,
    alert: {
      state: ticket.alertState,
      revision: ticket.alertRevision,
      reason: { zh: ticket.alertReasonZh, en: ticket.alertReasonEn },
      at: iso(ticket.alertChangedAt),
      cleared_at: isoOrNull(ticket.alertClearedAt),
    },
    raised_at: iso(ticket.raisedAt),
    opened_at: iso(ticket.openedAt),
    ack_due_at: iso(ticket.ackDueAt),
    on_site_due_at: iso(ticket.onSiteDueAt),
    acknowledged_at: isoOrNull(ticket.acknowledgedAt),
    acknowledged_by: ticket.acknowledgedBy,
    on_site_at: isoOrNull(ticket.onSiteAt),
    resolved_at: isoOrNull(ticket.resolvedAt),
    resolved_by: ticket.resolvedBy,
    outcome_code: ticket.outcomeCode,
    outcome_note: ticket.outcomeNote,
    photo_ref: ticket.photoRef,
    assignees: ticket.assigneeIds,
    informed: ticket.informedIds,
    assigned_at: isoOrNull(ticket.assignedAt),
    pooled_until: isoOrNull(ticket.pooledUntil),
    held_behind: ticket.heldBehind,
    hold:
      ticket.holdUntil === null
        ? null
        : { until: iso(ticket.holdUntil), reason: ticket.holdReason, requested_by: ticket.holdRequestedBy, approved_by: ticket.holdApprovedBy },
    follow_up:
      ticket.followUpDueAt === null
        ? null
        : { due_at: iso(ticket.followUpDueAt), done_at: isoOrNull(ticket.followedUpAt), by: ticket.followedUpBy, outcome: ticket.followUpOutcome, note: ticket.followUpNote },
    closed_at: isoOrNull(ticket.closedAt),
    closed_by: ticket.closedBy,
    updated_at: iso(ticket.updatedAt),
  };
}

export function toAuditEntryView(entry: TicketAuditEntry): z.infer<typeof AuditEntryViewSchema> {
  return { at: iso(entry.at), actor: entry.actor, action: entry.action, details: entry.details };
}
