import type { AlertCategory } from '../../shared/contract/index.js';
import type { Role } from './roles.js';

/**
 * What a role may do in an estate where it is held. The one table every check reads (README.md in
 * this folder explains it in words). Personal data of residents goes only to the roles that need it
 * for care (PIPL Art. 6, minimum necessary; Art. 28 sensitive personal information): an admin sets
 * up estates and people but does not read care records.
 */
export const PERMISSIONS = [
  /** The estate, its buildings, units (pseudonymous ids and labels) and assets. */
  'estate.read',
  /** Create buildings, units and assets; map gateways and devices. */
  'estate.manage',
  /** Add staff with roles in the estate, reset their passwords, revoke sessions, issue API tokens. */
  'staff.manage',
  /** Gateways of the estate and their health. */
  'gateway.read',
  /** Replace a gateway's rules config directly. */
  'gateway.config',
  /** A household's care record: consent, contacts (phones masked), carers, away periods, settings. */
  'household.read',
  /** A household's hourly activity aggregates and learned routine, for supervision (audited). */
  'household.activity',
  /** One emergency contact's full phone number (its own audited read). */
  'household.reveal_contact',
  /** Record a resident's away period (a trip, a hospital stay). */
  'household.record_away',
  /** Enrol in care: consent and its withdrawal, contacts, carers and their visits, care settings. */
  'household.enrol',
  /** The audit log of reads and changes of residents' data. */
  'audit.read',
  /** The duty roster and the dispatch policy (SLA windows, escalation chains, grab pool). */
  'dispatch.read',
  /** Add and remove shifts of the duty roster. */
  'roster.manage',
  /** Change the estate's dispatch policy. */
  'dispatch.policy',
  /** Reassign (转派), approve or refuse a hold (挂起), force-close (强制闭单) a ticket. */
  'ticket.supervise',
  /** The estate's work-order KPIs (SLA compliance, closure, follow-up, false alarms, escalations) and the daily digest. */
  'kpi.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const CARE_READERS: readonly Permission[] = ['household.read', 'household.reveal_contact', 'household.record_away'];

const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  housekeeper: new Set(['estate.read', ...CARE_READERS]),
  facilities: new Set(['estate.read', 'gateway.read']),
  lift_contractor: new Set(['estate.read']),
  supervisor: new Set(['estate.read', 'gateway.read', ...CARE_READERS, 'household.activity', 'household.enrol', 'dispatch.read', 'roster.manage', 'ticket.supervise', 'kpi.read']),
  estate_manager: new Set(['estate.read', 'gateway.read', ...CARE_READERS, 'household.activity', 'household.enrol', 'audit.read', 'dispatch.read', 'roster.manage', 'dispatch.policy', 'ticket.supervise', 'kpi.read']),
  admin: new Set(['estate.read', 'estate.manage', 'staff.manage', 'gateway.read', 'gateway.config', 'audit.read', 'dispatch.read', 'roster.manage', 'dispatch.policy']),
};

export function roleMay(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/**
 * Ticket types each role sees and acts on: a lift entrapment goes to facilities and the lift contractor, a
 * care visit to the housekeeper, a leak to facilities with the housekeeper informed;
 * the HTTP layer scopes ticket lists and actions by it.
 */
export const TICKET_TYPES_OF_ROLE: Readonly<Record<Role, readonly AlertCategory[]>> = {
  housekeeper: ['care_visit', 'water_leak'],
  facilities: ['lift_entrapment', 'lift_fault', 'water_leak', 'device_offline'],
  lift_contractor: ['lift_entrapment', 'lift_fault'],
  supervisor: ['care_visit', 'lift_entrapment', 'lift_fault', 'water_leak', 'device_offline'],
  estate_manager: ['care_visit', 'lift_entrapment', 'lift_fault', 'water_leak', 'device_offline'],
  admin: [],
};
