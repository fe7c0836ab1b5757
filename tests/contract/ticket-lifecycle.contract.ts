import { describe, expect, it } from 'vitest';
import type { AlertCategory } from '../../shared/contract/index.js';
import { newId } from '../../shared/ids.js';
import { TicketNotFoundError, TicketOutcomeError, TicketTransitionError } from '../../cloud/tickets/ticket-errors.js';
import { OUTCOME_CODES_BY_CATEGORY } from '../../cloud/tickets/ticket-outcomes.js';
import { HOUR_MS, MINUTE_MS } from '../../cloud/tickets/ticket-policy.js';
import { OutcomeCodeSchema, type Ticket } from '../../cloud/tickets/ticket.js';
import { BASE_TIME, nextChange, uniqueSlug } from '../support/wire-fixtures.js';
import { RECEIVED_AT, type TicketContractContext } from './ticket-contract-context.js';

/** Staff actions through the lifecycle, refusals, and the work list. */
export function describeTicketLifecycle(ctx: TicketContractContext): void {
  describe('lifecycle', () => {
    it('acknowledge, on site, resolve: each stamped with who and when, each in the audit trail', async () => {
      const { ticket } = await ctx.openTicket();
      ctx.clock.set(BASE_TIME + 10 * MINUTE_MS);
      const acknowledged = await ctx.service.acknowledge(ticket.id, 'hk-wang');
      expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledgedAt: ctx.clock.now(), acknowledgedBy: 'hk-wang', updatedAt: ctx.clock.now() });
      ctx.clock.set(BASE_TIME + 50 * MINUTE_MS);
      const onSite = await ctx.service.markOnSite(ticket.id, 'hk-wang');
      expect(onSite).toMatchObject({ status: 'on_site', onSiteAt: ctx.clock.now(), acknowledgedAt: BASE_TIME + 10 * MINUTE_MS });
      ctx.clock.set(BASE_TIME + 70 * MINUTE_MS);
      const resolved = await ctx.service.resolve(ticket.id, 'hk-wang', 'resident_well', '老人在家，一切安好');
      // A care visit is followed up (回访) within 24 hours: resolved, not closed, until the call is recorded.
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolvedAt: ctx.clock.now(),
        resolvedBy: 'hk-wang',
        outcomeCode: 'resident_well',
        outcomeNote: '老人在家，一切安好',
        followUpDueAt: ctx.clock.now() + 24 * HOUR_MS,
        closedAt: null,
      });
      expect(await ctx.repository.get(ticket.id)).toEqual(resolved);
      const audit = await ctx.repository.auditTrail(ticket.id);
      expect(audit.map((e) => [e.action, e.actor, e.at])).toEqual([
        ['opened', `gateway:${ctx.origin.gatewayId}`, RECEIVED_AT],
        ['acknowledged', 'hk-wang', BASE_TIME + 10 * MINUTE_MS],
        ['on_site', 'hk-wang', BASE_TIME + 50 * MINUTE_MS],
        ['resolved', 'hk-wang', BASE_TIME + 70 * MINUTE_MS],
        ['follow_up_scheduled', 'system', BASE_TIME + 70 * MINUTE_MS],
      ]);
      expect(audit[3]!.details).toEqual({ outcome_code: 'resident_well', note: '老人在家，一切安好', photo_ref: null });
      expect(audit.map((e) => e.id)).toEqual([...audit.map((e) => e.id)].sort((a, b) => a - b));
    });

    it('arriving on site from open also records the acknowledgement', async () => {
      const { ticket } = await ctx.openTicket({ category: 'water_leak' });
      ctx.clock.set(BASE_TIME + 20 * MINUTE_MS);
      const onSite = await ctx.service.markOnSite(ticket.id, 'fac-li');
      expect(onSite).toMatchObject({ status: 'on_site', onSiteAt: ctx.clock.now(), acknowledgedAt: ctx.clock.now(), acknowledgedBy: 'fac-li' });
      const audit = await ctx.repository.auditTrail(ticket.id);
      expect(audit.map((e) => e.action)).toEqual(['opened', 'acknowledged', 'on_site']);
      expect(audit[1]!.details).toEqual({ implied_by: 'on_site' });
    });

    it('acknowledging again by the same person returns the ticket unchanged; by someone else is refused', async () => {
      const { ticket } = await ctx.openTicket();
      const first = await ctx.service.acknowledge(ticket.id, 'hk-wang');
      ctx.clock.advance(MINUTE_MS);
      expect(await ctx.service.acknowledge(ticket.id, 'hk-wang')).toEqual(first);
      const refused = await ctx.service.acknowledge(ticket.id, 'hk-zhao').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TicketTransitionError);
      expect(refused).toMatchObject({ code: 'invalid_transition', currentStatus: 'acknowledged', action: 'acknowledge' });
      expect((await ctx.repository.auditTrail(ticket.id)).map((e) => e.action)).toEqual(['opened', 'acknowledged']);
    });

    it('refuses actions the lifecycle does not allow, with the current status (a false alarm closes the ticket)', async () => {
      const { ticket } = await ctx.openTicket();
      await ctx.service.resolve(ticket.id, 'fac-li', 'false_alarm', null);
      for (const attempt of [
        () => ctx.service.acknowledge(ticket.id, 'hk-wang'),
        () => ctx.service.markOnSite(ticket.id, 'hk-wang'),
        () => ctx.service.resolve(ticket.id, 'fac-li', 'repaired', 'again'),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TicketTransitionError);
        expect(error).toMatchObject({ code: 'invalid_transition', currentStatus: 'closed' });
      }
      expect((await ctx.repository.auditTrail(ticket.id)).map((e) => e.action)).toEqual(['opened', 'resolved', 'closed']);
      expect((await ctx.repository.get(ticket.id))?.outcomeCode).toBe('false_alarm');
    });

    it.each(Object.entries(OUTCOME_CODES_BY_CATEGORY))(
      'a %s ticket takes only its own outcome codes; any other is refused and changes nothing',
      async (category, allowed) => {
        const { ticket } = await ctx.openTicket({ category: category as AlertCategory });
        const foreign = OutcomeCodeSchema.options.filter((code) => !allowed.includes(code));
        expect(foreign.length).toBeGreaterThan(0);
        for (const code of foreign) {
          const error = await ctx.service.resolve(ticket.id, 'fac-li', code, null).catch((e: unknown) => e);
          expect(error, code).toBeInstanceOf(TicketOutcomeError);
          expect(error).toMatchObject({ code: 'outcome_not_for_category', category, outcomeCode: code, allowed });
        }
        expect(await ctx.repository.get(ticket.id)).toEqual(ticket);
        expect((await ctx.repository.auditTrail(ticket.id)).map((e) => e.action)).toEqual(['opened']);
        for (const code of allowed) {
          const { ticket: another } = await ctx.openTicket({ category: category as AlertCategory });
          expect((await ctx.service.resolve(another.id, 'fac-li', code, null)).outcomeCode).toBe(code);
        }
      },
    );

    it('a lift fault cannot be resolved as "resident well"; repaired, it closes (no follow-up for a fault)', async () => {
      const { ticket } = await ctx.openTicket({ category: 'lift_fault', subject: { kind: 'asset', id: 'lift-2' } });
      await expect(ctx.service.resolve(ticket.id, 'fac-li', 'resident_well', null)).rejects.toBeInstanceOf(TicketOutcomeError);
      expect((await ctx.service.resolve(ticket.id, 'fac-li', 'repaired', '更换门机皮带')).status).toBe('closed');
    });

    it('refuses acknowledging a ticket already on site', async () => {
      const { ticket } = await ctx.openTicket();
      await ctx.service.markOnSite(ticket.id, 'hk-wang');
      await expect(ctx.service.acknowledge(ticket.id, 'hk-zhao')).rejects.toMatchObject({ code: 'invalid_transition', currentStatus: 'on_site' });
    });

    it('an edge change does not reopen or alter a resolved ticket status', async () => {
      const { alert, ticket } = await ctx.openTicket();
      await ctx.service.resolve(ticket.id, 'hk-wang', 'assistance_given', null);
      const { ticket: after } = await ctx.service.handleAlert(ctx.origin, nextChange(alert, 'cleared', BASE_TIME + HOUR_MS));
      expect(after).toMatchObject({ status: 'resolved', alertState: 'cleared' });
    });

    it('an unknown id: get is null, audit is empty, actions throw TicketNotFoundError', async () => {
      const unknown = newId();
      expect(await ctx.repository.get(unknown)).toBeNull();
      expect(await ctx.repository.auditTrail(unknown)).toEqual([]);
      for (const attempt of [
        () => ctx.service.acknowledge(unknown, 'hk-wang'),
        () => ctx.service.markOnSite(unknown, 'hk-wang'),
        () => ctx.service.resolve(unknown, 'hk-wang', 'other', null),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TicketNotFoundError);
        expect(error).toMatchObject({ code: 'ticket_not_found', ticketId: unknown });
      }
    });
  });

  describe('listing', () => {
    it('filters by estate, statuses and type, newest first, with limit and offset', async () => {
      const tickets: Ticket[] = [];
      const categories: AlertCategory[] = ['care_visit', 'water_leak', 'care_visit', 'lift_fault'];
      for (const category of categories) {
        tickets.push((await ctx.openTicket({ category })).ticket);
        ctx.clock.advance(MINUTE_MS);
      }
      await ctx.service.acknowledge(tickets[0]!.id, 'hk-wang');
      await ctx.service.resolve(tickets[1]!.id, 'fac-li', 'repaired', null);
      const ids = (list: Ticket[]) => list.map((t) => t.id);
      const [t0, t1, t2, t3] = tickets.map((t) => t.id) as [string, string, string, string];
      const estateId = ctx.origin.estateId;

      expect(ids(await ctx.repository.list({ estateId }))).toEqual([t3, t2, t1, t0]);
      expect(ids(await ctx.repository.list({ estateId, statuses: ['open'] }))).toEqual([t3, t2]);
      expect(ids(await ctx.repository.list({ estateId, statuses: ['acknowledged', 'closed'] }))).toEqual([t1, t0]);
      expect(ids(await ctx.repository.list({ estateId, type: 'care_visit' }))).toEqual([t2, t0]);
      expect(ids(await ctx.repository.list({ estateId, type: 'care_visit', statuses: ['open'] }))).toEqual([t2]);
      expect(ids(await ctx.repository.list({ estateId, limit: 2 }))).toEqual([t3, t2]);
      expect(ids(await ctx.repository.list({ estateId, limit: 2, offset: 2 }))).toEqual([t1, t0]);
      expect(ids(await ctx.repository.list({ estateId: uniqueSlug('other-estate') }))).toEqual([]);
      expect(ids(await ctx.repository.list({ estateId, statuses: [] }))).toEqual([]);
    });
  });
}
