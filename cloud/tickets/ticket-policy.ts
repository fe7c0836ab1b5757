import type { AlertCategory } from '../../shared/contract/index.js';
import type { TicketPriority } from './ticket.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

/** Default service windows (shared/contract/README.md, ticket categories), in milliseconds. */
export const LIFT_ENTRAPMENT_ACK_WITHIN_MS = 5 * MINUTE_MS;
export const LIFT_ENTRAPMENT_ON_SITE_WITHIN_MS = 30 * MINUTE_MS;
export const P2_ACK_WITHIN_MS = 15 * MINUTE_MS;
export const P2_ON_SITE_WITHIN_MS = 2 * HOUR_MS;
export const DEVICE_OFFLINE_ACK_WITHIN_MS = 4 * HOUR_MS;
export const DEVICE_OFFLINE_ON_SITE_WITHIN_MS = 24 * HOUR_MS;

/** Staff roles a ticket goes to (cloud/access/README.md lists them all), scoped to the ticket's estate. */
export type StaffRole = 'housekeeper' | 'supervisor' | 'facilities' | 'contractor' | 'admin';

export interface CategoryPolicy {
  priority: TicketPriority;
  ackWithinMs: number;
  onSiteWithinMs: number;
  /** Who must act on the ticket. */
  assignTo: readonly StaffRole[];
  /** Who is told, without having to act. */
  inform: readonly StaffRole[];
}

export type TicketPolicy = Readonly<Record<AlertCategory, CategoryPolicy>>;

/** A per-estate policy: only what differs from the defaults. */
export type TicketPolicyOverride = Partial<Record<AlertCategory, Partial<CategoryPolicy>>>;

export const DEFAULT_TICKET_POLICY: TicketPolicy = {
  lift_entrapment: {
    priority: 'P1',
    ackWithinMs: LIFT_ENTRAPMENT_ACK_WITHIN_MS,
    onSiteWithinMs: LIFT_ENTRAPMENT_ON_SITE_WITHIN_MS,
    assignTo: ['facilities', 'contractor'],
    inform: [],
  },
  lift_fault: {
    priority: 'P2',
    ackWithinMs: P2_ACK_WITHIN_MS,
    onSiteWithinMs: P2_ON_SITE_WITHIN_MS,
    assignTo: ['facilities'],
    inform: [],
  },
  care_visit: {
    priority: 'P2',
    ackWithinMs: P2_ACK_WITHIN_MS,
    onSiteWithinMs: P2_ON_SITE_WITHIN_MS,
    assignTo: ['housekeeper'],
    inform: [],
  },
  water_leak: {
    priority: 'P2',
    ackWithinMs: P2_ACK_WITHIN_MS,
    onSiteWithinMs: P2_ON_SITE_WITHIN_MS,
    assignTo: ['facilities'],
    inform: ['housekeeper'],
  },
  device_offline: {
    priority: 'P3',
    ackWithinMs: DEVICE_OFFLINE_ACK_WITHIN_MS,
    onSiteWithinMs: DEVICE_OFFLINE_ON_SITE_WITHIN_MS,
    assignTo: ['facilities'],
    inform: [],
  },
};

/** The defaults with one estate's changes laid over them, category by category. */
export function withOverride(base: TicketPolicy, override: TicketPolicyOverride): TicketPolicy {
  const merged = { ...base };
  for (const category of Object.keys(override) as AlertCategory[]) {
    merged[category] = { ...base[category], ...override[category] };
  }
  return merged;
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

export function dueTimes(policy: CategoryPolicy, raisedAt: number, openedAt: number): DueTimes {
  const start = slaStart(raisedAt, openedAt);
  return { ackDueAt: start + policy.ackWithinMs, onSiteDueAt: start + policy.onSiteWithinMs };
}
