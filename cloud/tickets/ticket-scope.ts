import type { Caller } from '../access/caller.js';
import { TICKET_TYPES_OF_ROLE } from '../access/permissions.js';
import type { AlertCategory } from '../../shared/contract/index.js';
import type { TicketVisibility } from './ticket-repository.js';
import type { Ticket } from './ticket.js';

/**
 * The tickets a caller sees and acts on: in each estate where they hold roles, the ticket types of
 * those roles (permissions.ts TICKET_TYPES_OF_ROLE). A ticket outside it reads as not found.
 */
export function ticketVisibilityOf(caller: Caller): TicketVisibility[] {
  const byEstate = new Map<string, Set<AlertCategory>>();
  for (const grant of caller.grants) {
    const types = byEstate.get(grant.estateId) ?? new Set<AlertCategory>();
    for (const type of TICKET_TYPES_OF_ROLE[grant.role]) types.add(type);
    byEstate.set(grant.estateId, types);
  }
  return [...byEstate].filter(([, types]) => types.size > 0).map(([estateId, types]) => ({ estateId, types: [...types] }));
}

export function callerSeesTicket(caller: Caller, ticket: Pick<Ticket, 'estateId' | 'type'>): boolean {
  return ticketVisibilityOf(caller).some((scope) => scope.estateId === ticket.estateId && scope.types.includes(ticket.type));
}
