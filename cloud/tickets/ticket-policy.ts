import type { AlertCategory } from '../../shared/contract/index.js';
import type { Role } from '../access/roles.js';
import type { TicketEscalation, TicketPriority } from './ticket.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

/** Default service windows (shared/contract/README.md, ticket categories), in milliseconds. */
export const LIFT_ENTRAPMENT_ACK_WITHIN_MS = 5 * MINUTE_MS;
export const LIFT_ENTRAPMENT_ON_SITE_WITHIN_MS = 30 * MINUTE_MS;
export const P2_ACK_WITHIN_MS = 15 * MINUTE_MS;
export const P2_ON_SITE_WITHIN_MS = 2 * HOUR_MS;
export const DEVICE_OFFLINE_ACK_WITHIN_MS = 4 * HOUR_MS;
export const DEVICE_OFFLINE_ON_SITE_WITHIN_MS = 24 * HOUR_MS;
/** A follow-up call (回访) within 24 hours of resolution. */
export const FOLLOW_UP_WITHIN_MS = 24 * HOUR_MS;
/** How long a non-urgent ticket waits in the grab pool (抢单) before it is dispatched. */
export const DEVICE_OFFLINE_POOL_MS = 30 * MINUTE_MS;

/** Who a step of an escalation chain tells. */
export const ESCALATION_AUDIENCES = ['assignee', 'supervisor', 'estate_manager', 'emergency_contact'] as const;
export type EscalationAudience = (typeof ESCALATION_AUDIENCES)[number];

/**
 * One step of an escalation chain: afterMs past the chain's deadline, tell the audience; then, while
 * the chain still runs and until its next step, tell them again every renotifyEveryMs (null: once).
 */
export interface EscalationStep {
  audience: EscalationAudience;
  afterMs: number;
  renotifyEveryMs: number | null;
}

/**
 * The chains of a ticket, each counted from its own deadline: ack runs until someone acknowledges
 * ("nobody answered"); on_site until someone arrives (acknowledging is not arriving); follow_up until
 * the follow-up call is recorded.
 */
export interface EscalationChains {
  ack: readonly EscalationStep[];
  on_site: readonly EscalationStep[];
  follow_up: readonly EscalationStep[];
}
export type EscalationChainName = keyof EscalationChains;

export interface CategoryPolicy {
  priority: TicketPriority;
  ackWithinMs: number;
  onSiteWithinMs: number;
  /** Who must act on the ticket: one on-duty person of each role. */
  assignTo: readonly Role[];
  /** Who is told, without having to act. */
  inform: readonly Role[];
  /** A follow-up call is due this long after resolution; null: the ticket closes when resolved. */
  followUpWithinMs: number | null;
  /** Non-urgent work may wait this long in the grab pool before it is dispatched; null: dispatched at once. */
  poolForMs: number | null;
  escalation: EscalationChains;
}

export type TicketPolicy = Readonly<Record<AlertCategory, CategoryPolicy>>;

/** The policy in force in one estate, and its version (0: the defaults, never edited). */
export interface EstateTicketPolicy {
  version: number;
  categories: TicketPolicy;
}


const step = (audience: EscalationAudience, afterMinutes: number, renotifyEveryMinutes: number | null): EscalationStep => ({
  audience,
  afterMs: afterMinutes * MINUTE_MS,
  renotifyEveryMs: renotifyEveryMinutes === null ? null : renotifyEveryMinutes * MINUTE_MS,
});

/**
 * "Nobody answered": the supervisor at the deadline, reminded every 10 minutes; the estate manager
 * 15 minutes later. A care visit then asks for the resident's emergency contact to be called.
 */
const ACK_CHAIN = [step('supervisor', 0, 10), step('estate_manager', 15, 30)];
const CARE_ACK_CHAIN = [...ACK_CHAIN, step('emergency_contact', 30, null)];
/** Not on site in time: the people assigned and the supervisor at once, the manager 30 minutes on. */
const ON_SITE_CHAIN = [step('supervisor', 0, 15), step('estate_manager', 30, null)];
/** Entrapment (TSG T5002: the contractor on site within 30 min): 10 minutes between steps. */
const ENTRAPMENT_ON_SITE_CHAIN = [step('supervisor', 0, 5), step('estate_manager', 10, 10)];
const FOLLOW_UP_CHAIN = [step('assignee', 0, null), step('supervisor', 60, null)];

export const DEFAULT_TICKET_POLICY: TicketPolicy = {
  lift_entrapment: {
    priority: 'P1',
    ackWithinMs: LIFT_ENTRAPMENT_ACK_WITHIN_MS,
    onSiteWithinMs: LIFT_ENTRAPMENT_ON_SITE_WITHIN_MS,
    assignTo: ['facilities', 'lift_contractor'],
    inform: [],
    followUpWithinMs: FOLLOW_UP_WITHIN_MS,
    poolForMs: null,
    escalation: { ack: ACK_CHAIN, on_site: ENTRAPMENT_ON_SITE_CHAIN, follow_up: FOLLOW_UP_CHAIN },
  },
  lift_fault: {
    priority: 'P2',
    ackWithinMs: P2_ACK_WITHIN_MS,
    onSiteWithinMs: P2_ON_SITE_WITHIN_MS,
    assignTo: ['facilities'],
    inform: [],
    followUpWithinMs: null,
    poolForMs: null,
    escalation: { ack: ACK_CHAIN, on_site: ON_SITE_CHAIN, follow_up: [] },
  },
  care_visit: {
    priority: 'P2',
    ackWithinMs: P2_ACK_WITHIN_MS,
    onSiteWithinMs: P2_ON_SITE_WITHIN_MS,
    assignTo: ['housekeeper'],
    inform: [],
    followUpWithinMs: FOLLOW_UP_WITHIN_MS,
    poolForMs: null,
    escalation: { ack: CARE_ACK_CHAIN, on_site: ON_SITE_CHAIN, follow_up: FOLLOW_UP_CHAIN },
  },
  water_leak: {
    priority: 'P2',
    ackWithinMs: P2_ACK_WITHIN_MS,
    onSiteWithinMs: P2_ON_SITE_WITHIN_MS,
    assignTo: ['facilities'],
    inform: ['housekeeper'],
    followUpWithinMs: null,
    poolForMs: null,
    escalation: { ack: ACK_CHAIN, on_site: ON_SITE_CHAIN, follow_up: [] },
  },
  device_offline: {
    priority: 'P3',
    ackWithinMs: DEVICE_OFFLINE_ACK_WITHIN_MS,
    onSiteWithinMs: DEVICE_OFFLINE_ON_SITE_WITHIN_MS,
    assignTo: ['facilities'],
    inform: [],
    followUpWithinMs: null,
    poolForMs: DEVICE_OFFLINE_POOL_MS,
    escalation: { ack: [step('supervisor', 0, null)], on_site: [step('supervisor', 0, null)], follow_up: [] },
  },
};

export const DEFAULT_ESTATE_POLICY: EstateTicketPolicy = { version: 0, categories: DEFAULT_TICKET_POLICY };

/** Urgent work is always dispatched, never pooled (P1, and a resident not seen). */
export function mayBePooled(category: AlertCategory, priority: TicketPriority): boolean {
  return priority !== 'P1' && category !== 'care_visit';
}

export interface DueTimes {
  ackDueAt: number;
  onSiteDueAt: number;
}

/**
 * When the SLA clock starts: the event time the condition was raised on the estate, so a late
 * delivery (uplink down, outbox replay) does not extend deadlines; but never later than the moment
 * the cloud opened the ticket, so a gateway clock running ahead cannot extend them either.
 */
export function slaStart(raisedAt: number, openedAt: number): number {
  return Math.min(raisedAt, openedAt);
}

/** What a ticket opened now keeps of its category's policy (ticket.ts, TicketEscalation). */
export function escalationSnapshot(policy: CategoryPolicy, policyVersion: number, priority: TicketPriority, category: AlertCategory): TicketEscalation {
  return {
    policyVersion,
    followUpWithinMs: policy.followUpWithinMs,
    poolForMs: mayBePooled(category, priority) ? policy.poolForMs : null,
    chains: policy.escalation,
  };
}

export function dueTimes(policy: CategoryPolicy, raisedAt: number, openedAt: number): DueTimes {
  const start = slaStart(raisedAt, openedAt);
  return { ackDueAt: start + policy.ackWithinMs, onSiteDueAt: start + policy.onSiteWithinMs };
}
