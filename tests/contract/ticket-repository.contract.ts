import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import { ManualClock } from '../../shared/time/clock.js';
import type { TicketRepository } from '../../cloud/tickets/ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { alertItem, uniqueSlug } from '../support/wire-fixtures.js';
import { describeAlertIntake } from './ticket-alert-intake.contract.js';
import { RECEIVED_AT, type TicketContractContext } from './ticket-contract-context.js';
import { describeTicketLifecycle } from './ticket-lifecycle.contract.js';

export interface TicketRepositoryHarness {
  repository: TicketRepository;
  /** Registers an estate and its gateway, which tickets refer to. */
  registerGateway(estateId: string, gatewayId: string): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * Behaviours every TicketRepository must have, exercised through TicketService as ingest and the API
 * use it. Run once per backend.
 */
export function describeTicketRepositoryContract(name: string, open: () => Promise<TicketRepositoryHarness>): void {
  describe(`TicketRepository contract: ${name}`, () => {
    let harness: TicketRepositoryHarness;
    const ctx = { openTicket } as TicketContractContext;

    beforeAll(async () => {
      harness = await open();
      ctx.repository = harness.repository;
    });

    afterAll(async () => {
      await harness?.cleanup();
    });

    /** Each test acts as its own estate and gateway, so tests sharing one database stay apart. */
    beforeEach(async () => {
      ctx.origin = { gatewayId: uniqueSlug('gw'), estateId: uniqueSlug('estate'), receivedAt: RECEIVED_AT };
      await harness.registerGateway(ctx.origin.estateId, ctx.origin.gatewayId);
      ctx.clock = new ManualClock(RECEIVED_AT);
      ctx.service = new TicketService(ctx.repository, { clock: ctx.clock });
    });

    async function openTicket(overrides: Parameters<typeof alertItem>[0] = {}) {
      const alert = alertItem(overrides);
      const { ticket, created } = await ctx.service.handleAlert(ctx.origin, alert);
      expect(created).toBe(true);
      return { alert, ticket };
    }

    describeAlertIntake(ctx);
    describeTicketLifecycle(ctx);
  });
}
