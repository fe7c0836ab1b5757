import { OUTCOME_CODES_BY_CATEGORY, outcomeFits } from './ticket-outcomes.js';
import { TicketOutcomeError, TicketTransitionError } from './ticket-errors.js';
import { FOLLOW_UP_WITHIN_MS, slaStart, type EscalationChainName } from './ticket-policy.js';
import type { TicketChange, TicketPatch } from './ticket-changes.js';
import type { FollowUpOutcome, OutcomeCode, Ticket, TicketStatus } from './ticket.js';

/**
 * What a person does to a work order. The verbs of Chinese property work orders: 接单 acknowledge,
 * 到场 on_site, 回单 resolve (a false alarm, 误报, is the outcome code false_alarm), 退回 hand_back,
 * 转派 reassign (supervisor), 挂起/延期 request_hold then approve_hold or refuse_hold (supervisor),
 * 回访 follow_up, 强制闭单 close (supervisor), 抢单 grab from the pool. Who may do what is decided
 * by the caller (the API checks roles); this file decides what the lifecycle allows.
 */
export type WorkOrderAction = ActionKinds & {
  /** Who acts, as the audit trail records them ("staff:<id>", "api_token:<id>", "operator"). */
  by: string;
  /** The staff member behind `by`, as assignee lists hold them; `by` itself when omitted. */
  staffId?: string;
};

type ActionKinds =
  | { kind: 'acknowledge' }
  | { kind: 'on_site' }
  | { kind: 'resolve'; outcomeCode: OutcomeCode; note: string | null; photoRef?: string | null }
  | { kind: 'hand_back'; reason: string }
  | { kind: 'reassign'; to: readonly string[]; reason: string | null }
  | { kind: 'request_hold'; reason: string; until: number; approved: boolean }
  | { kind: 'approve_hold' }
  | { kind: 'refuse_hold'; reason: string | null }
  | { kind: 'follow_up'; outcome: FollowUpOutcome; note: string | null }
  | { kind: 'close'; reason: string }
  | { kind: 'grab' };
export type WorkOrderActionKind = WorkOrderAction['kind'];

/** A chain to (re)start, counting from baseAt. */
export interface ChainStart {
  chain: EscalationChainName;
  baseAt: number;
}

/** What the change sets going around the ticket row: clocks stopped and started, people told. */
export interface WorkOrderEffects {
  /** Chains whose timers and unsent notifications are cancelled. */
  stopChains: EscalationChainName[];
  startChains: ChainStart[];
  /** The pool's timer is cancelled (the ticket was taken). */
  stopPool: boolean;
  /** Give the ticket to the roster again (after a hand-back that left nobody on it). */
  redispatch: boolean;
  /** People to tell, and why. */
  tell: Array<{ purpose: WorkOrderNotice; staffIds: readonly string[] | 'supervisors' }>;
}

export type WorkOrderNotice = 'ticket_reassigned' | 'hold_requested' | 'follow_up_due' | 'alert_cleared';

export interface PlannedWorkOrderChange {
  change: TicketChange;
  effects: WorkOrderEffects;
}

const NO_EFFECTS: WorkOrderEffects = { stopChains: [], startChains: [], stopPool: false, redispatch: false, tell: [] };

/** Statuses in which nobody has acknowledged the ticket yet. */
const UNACKNOWLEDGED: ReadonlySet<TicketStatus> = new Set(['open', 'assigned']);
/** Work still to do on site. */
const BEFORE_ARRIVAL: ReadonlySet<TicketStatus> = new Set(['open', 'assigned', 'acknowledged', 'on_hold']);
const FINISHED: ReadonlySet<TicketStatus> = new Set(['resolved', 'followed_up', 'closed']);

function planned(patch: TicketPatch, audit: TicketChange['audit'], effects: Partial<WorkOrderEffects> = {}): PlannedWorkOrderChange {
  return { change: { patch, audit }, effects: { ...NO_EFFECTS, ...effects } };
}

/**
 * Decides an action from the ticket's current state. Returns null when the ticket already says what
 * the action would record (acknowledging again, arriving again); throws TicketTransitionError when
 * the lifecycle does not allow it, TicketOutcomeError for an outcome code of another category.
 */
export function planWorkOrderAction(ticket: Ticket, action: WorkOrderAction, at: number): PlannedWorkOrderChange | null {
  const refuse = (detail?: string) => new TicketTransitionError(ticket.id, action.kind, ticket.status, detail);
  const { by } = action;
  const person = action.staffId ?? by;
  switch (action.kind) {
    case 'acknowledge': {
      if (ticket.acknowledgedAt !== null && (ticket.acknowledgedBy === by || ticket.assigneeIds.includes(person))) return null;
      if (ticket.acknowledgedAt !== null) throw refuse(`acknowledged by ${ticket.acknowledgedBy ?? 'someone else'}`);
      if (!UNACKNOWLEDGED.has(ticket.status)) throw refuse();
      return planned(
        { status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by, assigneeIds: withPerson(ticket.assigneeIds, person), pooledUntil: null },
        [{ actor: by, action: 'acknowledged', details: {} }],
        { stopChains: ['ack'], stopPool: ticket.pooledUntil !== null },
      );
    }
    case 'grab': {
      if (ticket.status !== 'open' || ticket.pooledUntil === null) throw refuse('not in the grab pool');
      return planned(
        { status: 'acknowledged', assigneeIds: [person], assignedAt: at, acknowledgedAt: at, acknowledgedBy: by, pooledUntil: null },
        [{ actor: by, action: 'grabbed', details: {} }],
        { stopChains: ['ack'], stopPool: true },
      );
    }
    case 'on_site': {
      if (ticket.onSiteAt !== null) return null;
      if (!BEFORE_ARRIVAL.has(ticket.status)) throw refuse();
      const implied = ticket.acknowledgedAt === null;
      return planned(
        {
          status: 'on_site',
          onSiteAt: at,
          assigneeIds: withPerson(ticket.assigneeIds, person),
          pooledUntil: null,
          ...(implied ? { acknowledgedAt: at, acknowledgedBy: by } : {}),
        },
        [...(implied ? [{ actor: by, action: 'acknowledged' as const, details: { implied_by: 'on_site' } }] : []), { actor: by, action: 'on_site', details: {} }],
        { stopChains: ['ack', 'on_site'], stopPool: ticket.pooledUntil !== null },
      );
    }
    case 'resolve': {
      if (FINISHED.has(ticket.status)) throw refuse();
      if (!outcomeFits(ticket.type, action.outcomeCode)) {
        throw new TicketOutcomeError(ticket.id, ticket.type, action.outcomeCode, OUTCOME_CODES_BY_CATEGORY[ticket.type]);
      }
      // A false alarm needs no call back; nor does a category without a follow-up.
      const followUpWithin = action.outcomeCode === 'false_alarm' ? null : (ticket.escalation?.followUpWithinMs ?? null);
      const followUpDueAt = followUpWithin === null ? null : at + followUpWithin;
      const patch: TicketPatch = {
        status: followUpDueAt === null ? 'closed' : 'resolved',
        resolvedAt: at,
        resolvedBy: by,
        outcomeCode: action.outcomeCode,
        outcomeNote: action.note,
        photoRef: action.photoRef ?? null,
        followUpDueAt,
        pooledUntil: null,
        ...(followUpDueAt === null ? { closedAt: at, closedBy: by } : {}),
      };
      const audit: TicketChange['audit'] = [
        { actor: by, action: 'resolved', details: { outcome_code: action.outcomeCode, note: action.note, photo_ref: action.photoRef ?? null } },
        followUpDueAt === null
          ? { actor: 'system', action: 'closed', details: { cause: action.outcomeCode === 'false_alarm' ? 'false_alarm' : 'no_follow_up_needed' } }
          : { actor: 'system', action: 'follow_up_scheduled', details: { due_at: new Date(followUpDueAt).toISOString() } },
      ];
      return planned(patch, audit, {
        // A follow-up already due (its alert had cleared first) is replaced by the one counted from now.
        stopChains: ['ack', 'on_site', 'follow_up'],
        stopPool: ticket.pooledUntil !== null,
        startChains: followUpDueAt === null ? [] : [{ chain: 'follow_up', baseAt: followUpDueAt }],
        tell: followUpDueAt === null ? [] : [{ purpose: 'follow_up_due', staffIds: withPerson(ticket.assigneeIds, person) }],
      });
    }
    case 'hand_back': {
      if (!ticket.assigneeIds.includes(person)) throw refuse('only a person it is assigned to can hand it back');
      if (!['assigned', 'acknowledged'].includes(ticket.status)) throw refuse();
      const remaining = ticket.assigneeIds.filter((id) => id !== person);
      const wasTheAcknowledger = ticket.acknowledgedBy === by;
      const stillAcknowledged = ticket.acknowledgedAt !== null && !wasTheAcknowledger;
      return planned(
        {
          assigneeIds: remaining,
          declinedIds: withPerson(ticket.declinedIds, person),
          status: remaining.length === 0 ? 'open' : stillAcknowledged ? 'acknowledged' : 'assigned',
          ...(wasTheAcknowledger ? { acknowledgedAt: null, acknowledgedBy: null } : {}),
        },
        [{ actor: by, action: 'handed_back', details: { reason: action.reason } }],
        {
          redispatch: remaining.length === 0,
          // Nobody has it in hand any more: "nobody answered" runs again, the next person given a whole window.
          startChains: wasTheAcknowledger && !stillAcknowledged ? [{ chain: 'ack', baseAt: freshAckDeadline(ticket, at) }] : [],
        },
      );
    }
    case 'reassign': {
      if (FINISHED.has(ticket.status) || ticket.status === 'on_site') throw refuse();
      const onlyNew = action.to.filter((id) => !ticket.assigneeIds.includes(id));
      return planned(
        { assigneeIds: [...action.to], assignedAt: at, status: 'assigned', acknowledgedAt: null, acknowledgedBy: null, pooledUntil: null },
        [{ actor: by, action: 'reassigned', details: { from: ticket.assigneeIds, to: action.to, reason: action.reason } }],
        {
          stopChains: ['ack'],
          stopPool: ticket.pooledUntil !== null,
          startChains: [{ chain: 'ack', baseAt: freshAckDeadline(ticket, at) }],
          tell: [{ purpose: 'ticket_reassigned', staffIds: onlyNew.length ? onlyNew : action.to }],
        },
      );
    }
    case 'request_hold': {
      if (ticket.priority === 'P1') throw refuse('urgent work is never put on hold');
      if (!['assigned', 'acknowledged'].includes(ticket.status)) throw refuse();
      if (action.until <= at) throw refuse('the new due time must be in the future');
      const request: TicketPatch = { holdUntil: action.until, holdReason: action.reason, holdRequestedBy: by, holdApprovedBy: null };
      const audit: TicketChange['audit'] = [{ actor: by, action: 'hold_requested', details: { reason: action.reason, until: new Date(action.until).toISOString() } }];
      if (!action.approved) return planned(request, audit, { tell: [{ purpose: 'hold_requested', staffIds: 'supervisors' }] });
      const approval = holdApproval({ ...ticket, holdUntil: action.until }, by, at);
      return planned({ ...request, ...approval.change.patch }, [...audit, ...approval.change.audit], approval.effects);
    }
    case 'approve_hold': {
      if (ticket.holdRequestedBy === null || ticket.holdUntil === null || ticket.holdApprovedBy !== null) throw refuse('no hold is waiting for approval');
      if (!['assigned', 'acknowledged'].includes(ticket.status)) throw refuse();
      return holdApproval(ticket, by, at);
    }
    case 'refuse_hold': {
      if (ticket.holdRequestedBy === null || ticket.holdApprovedBy !== null) throw refuse('no hold is waiting for approval');
      return planned(
        { holdUntil: null, holdReason: null, holdRequestedBy: null },
        [{ actor: by, action: 'hold_refused', details: { reason: action.reason } }],
      );
    }
    case 'follow_up': {
      if (ticket.followUpDueAt === null || ticket.followedUpAt !== null) throw refuse('no follow-up is due');
      if (ticket.status === 'closed') throw refuse();
      const needsMore = action.outcome === 'needs_more';
      return planned(
        {
          followedUpAt: at,
          followedUpBy: by,
          followUpOutcome: action.outcome,
          followUpNote: action.note,
          status: needsMore ? 'followed_up' : 'closed',
          ...(needsMore ? {} : { closedAt: at, closedBy: by }),
        },
        [
          { actor: by, action: 'followed_up', details: { outcome: action.outcome, note: action.note } },
          ...(needsMore ? [] : [{ actor: 'system', action: 'closed' as const, details: { cause: 'followed_up' } }]),
        ],
        { stopChains: ['ack', 'on_site', 'follow_up'] },
      );
    }
    case 'close': {
      if (ticket.status === 'closed') throw refuse();
      return planned(
        { status: 'closed', closedAt: at, closedBy: by, pooledUntil: null },
        [{ actor: by, action: 'closed', details: { forced: true, reason: action.reason } }],
        { stopChains: ['ack', 'on_site', 'follow_up'], stopPool: ticket.pooledUntil !== null },
      );
    }
  }
}

/** An approved hold: on hold until the new due time, when the on-site clock starts again. */
function holdApproval(ticket: Ticket, by: string, at: number): PlannedWorkOrderChange {
  const until = ticket.holdUntil!;
  return planned(
    {
      status: 'on_hold',
      holdApprovedBy: by,
      onSiteDueAt: until,
      ...(ticket.acknowledgedAt === null ? { acknowledgedAt: at, acknowledgedBy: ticket.holdRequestedBy ?? by } : {}),
    },
    [{ actor: by, action: 'hold_approved', details: { until: new Date(until).toISOString(), on_site_due_moved_from: new Date(ticket.onSiteDueAt).toISOString() } }],
    { stopChains: ['ack', 'on_site'], startChains: [{ chain: 'on_site', baseAt: until }] },
  );
}

/**
 * The acknowledgement deadline for someone given the ticket now: the original one, or, once that
 * has passed, now plus the ticket's own acknowledgement window (from its SLA start to its deadline),
 * so a reassigned or handed-back ticket is not overdue the moment it reaches someone.
 */
function freshAckDeadline(ticket: Ticket, at: number): number {
  const window = ticket.ackDueAt - slaStart(ticket.raisedAt, ticket.openedAt);
  return Math.max(ticket.ackDueAt, at + window);
}

function withPerson(ids: readonly string[], id: string): string[] {
  return ids.includes(id) ? [...ids] : [...ids, id];
}

/**
 * An alert that clears before anyone acknowledged it is not silently dropped: "nobody answered" and
 * the on-site clock stop (the condition is gone), and a follow-up call is due within the ticket's
 * follow-up window (24 h when its category has none), assigned and escalated like any deadline.
 * Null when the alert is not cleared, someone already acted, or a follow-up is already due.
 */
export function planClearedBeforeAnyoneActed(ticket: Ticket, at: number): PlannedWorkOrderChange | null {
  if (ticket.alertState !== 'cleared' || !UNACKNOWLEDGED.has(ticket.status) || ticket.followUpDueAt !== null) return null;
  const dueAt = at + (ticket.escalation?.followUpWithinMs ?? FOLLOW_UP_WITHIN_MS);
  return planned(
    { followUpDueAt: dueAt },
    [{ actor: 'system', action: 'follow_up_scheduled', details: { cause: 'alert_cleared_before_acknowledgement', due_at: new Date(dueAt).toISOString() } }],
    {
      stopChains: ['ack', 'on_site'],
      startChains: [{ chain: 'follow_up', baseAt: dueAt }],
      tell: [{ purpose: 'alert_cleared', staffIds: ticket.assigneeIds }],
    },
  );
}
