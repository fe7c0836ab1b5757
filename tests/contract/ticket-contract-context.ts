import type { AlertItem } from '../../shared/contract/index.js';
import type { ManualClock } from '../../shared/time/clock.js';
import type { BatchOrigin } from '../../cloud/telemetry/telemetry-store.js';
import type { TicketRepository } from '../../cloud/tickets/ticket-repository.js';
import type { TicketService } from '../../cloud/tickets/ticket-service.js';
import type { Ticket } from '../../cloud/tickets/ticket.js';
import { MINUTE_MS } from '../../cloud/tickets/ticket-policy.js';
import { BASE_TIME, type alertItem } from '../support/wire-fixtures.js';

/** The cloud receives an alert two minutes after it was raised on the estate. */
export const RECEIVED_AT = BASE_TIME + 2 * MINUTE_MS;

/**
 * What each behaviour of the ticket contract works with; the suite renews it before every test
 * (a fresh estate and gateway, a clock at RECEIVED_AT, a service over the repository under test).
 */
export interface TicketContractContext {
  repository: TicketRepository;
  service: TicketService;
  clock: ManualClock;
  origin: BatchOrigin;
  /** Delivers a new alert and expects it to open a ticket. */
  openTicket(overrides?: Parameters<typeof alertItem>[0]): Promise<{ alert: AlertItem; ticket: Ticket }>;
}
