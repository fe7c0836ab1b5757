import type { AlertCategory } from '../../shared/contract/index.js';
import type { OutcomeCode, TicketStatus } from './ticket.js';
import type { WorkOrderActionKind } from './work-order-actions.js';

/** A staff action on a ticket (work-order-actions.ts). */
export type TicketAction = WorkOrderActionKind;

/** No ticket has this id; the API answers 404 with the code. */
export class TicketNotFoundError extends Error {
  readonly code = 'ticket_not_found';

  constructor(readonly ticketId: string) {
    super(`no ticket with id ${ticketId}`);
    this.name = 'TicketNotFoundError';
  }
}

/** The action is not allowed from the ticket's current status; the API answers 409 with the code. */
export class TicketTransitionError extends Error {
  readonly code = 'invalid_transition';

  constructor(
    readonly ticketId: string,
    readonly action: TicketAction,
    readonly currentStatus: TicketStatus,
    detail?: string,
  ) {
    super(`cannot ${action.replace('_', ' ')} ticket ${ticketId}: it is ${currentStatus}${detail ? ` (${detail})` : ''}`);
    this.name = 'TicketTransitionError';
  }
}

/** The outcome code does not belong to the ticket's category; the API answers 400 naming the field. */
export class TicketOutcomeError extends Error {
  readonly code = 'outcome_not_for_category';

  constructor(
    readonly ticketId: string,
    readonly category: AlertCategory,
    readonly outcomeCode: OutcomeCode,
    readonly allowed: readonly OutcomeCode[],
  ) {
    super(`a ${category} ticket cannot be resolved as ${outcomeCode}; its outcome codes are ${allowed.join(', ')}`);
    this.name = 'TicketOutcomeError';
  }
}
