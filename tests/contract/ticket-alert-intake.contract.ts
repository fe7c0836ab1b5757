import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKET_POLICY, HOUR_MS, MINUTE_MS } from '../../cloud/tickets/ticket-policy.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import type { Ticket } from '../../cloud/tickets/ticket.js';
import { alertItem, BASE_TIME, nextChange } from '../support/wire-fixtures.js';
import { RECEIVED_AT, type TicketContractContext } from './ticket-contract-context.js';

/** Alerts in: one ticket per episode whatever the delivery order, edge changes, due times. */
export function describeAlertIntake(ctx: TicketContractContext): void {
  describe('opening', () => {
    it('opens an open ticket carrying the alert, its origin and the policy', async () => {
      const alert = alertItem({ category: 'care_visit', subject: { kind: 'unit', id: 'hh-0042' } });
      const { ticket, created } = await ctx.service.handleAlert(ctx.origin, alert);
      expect(created).toBe(true);
      expect(ticket).toEqual({
        id: expect.any(String),
        episodeId: alert.episode_id,
        estateId: ctx.origin.estateId,
        gatewayId: ctx.origin.gatewayId,
        type: 'care_visit',
        priority: 'P2',
        status: 'open',
        rule: alert.rule,
        subjectKind: 'unit',
        subjectId: 'hh-0042',
        severity: alert.severity,
        reasonZh: alert.reason.zh,
        reasonEn: alert.reason.en,
        reasonRevision: 1,
        evidence: alert.evidence,
        alertState: 'raised',
        alertRevision: 1,
        alertReasonZh: alert.reason.zh,
        alertReasonEn: alert.reason.en,
        alertChangedAt: BASE_TIME,
        raisedAt: BASE_TIME,
        openedAt: RECEIVED_AT,
        ackDueAt: BASE_TIME + 15 * MINUTE_MS,
        onSiteDueAt: BASE_TIME + 2 * HOUR_MS,
        acknowledgedAt: null,
        acknowledgedBy: null,
        onSiteAt: null,
        resolvedAt: null,
        resolvedBy: null,
        outcomeCode: null,
        outcomeNote: null,
        alertClearedAt: null,
        assigneeIds: [],
        informedIds: [],
        declinedIds: [],
        assignedAt: null,
        pooledUntil: null,
        heldBehind: null,
        holdUntil: null,
        holdReason: null,
        holdRequestedBy: null,
        holdApprovedBy: null,
        photoRef: null,
        followUpDueAt: null,
        followedUpAt: null,
        followedUpBy: null,
        followUpOutcome: null,
        followUpNote: null,
        closedAt: null,
        closedBy: null,
        escalation: {
          policyVersion: 0,
          followUpWithinMs: DEFAULT_TICKET_POLICY.care_visit.followUpWithinMs,
          poolForMs: null,
          chains: DEFAULT_TICKET_POLICY.care_visit.escalation,
        },
        updatedAt: RECEIVED_AT,
      } satisfies Ticket);
      expect(await ctx.repository.get(ticket.id)).toEqual(ticket);
      const audit = await ctx.repository.auditTrail(ticket.id);
      expect(audit).toEqual([
        {
          id: expect.any(Number),
          ticketId: ticket.id,
          at: RECEIVED_AT,
          actor: `gateway:${ctx.origin.gatewayId}`,
          action: 'opened',
          details: {
            alert_id: alert.id,
            revision: 1,
            state: 'raised',
            severity: alert.severity,
            reason: alert.reason,
            evidence: alert.evidence,
            event_time: alert.event_time,
          },
        },
      ]);
    });

    it('tells ticket_opened listeners once per ticket, and not after they unsubscribe', async () => {
      const opened: string[] = [];
      const unsubscribe = ctx.service.onTicketOpened((ticket) => opened.push(ticket.episodeId));
      const first = alertItem();
      await ctx.service.handleAlert(ctx.origin, first);
      await ctx.service.handleAlert(ctx.origin, first);
      unsubscribe();
      await ctx.service.handleAlert(ctx.origin, alertItem());
      expect(opened).toEqual([first.episode_id]);
    });

    it('a listener that throws does not stop the ticket from opening', async () => {
      ctx.service.onTicketOpened(() => {
        throw new Error('listener failure');
      });
      const { ticket, created } = await ctx.service.handleAlert(ctx.origin, alertItem());
      expect(created).toBe(true);
      expect(await ctx.repository.get(ticket.id)).toEqual(ticket);
    });

    it('the same alert delivered twice opens one ticket', async () => {
      const alert = alertItem();
      const first = await ctx.service.handleAlert(ctx.origin, alert);
      ctx.clock.advance(MINUTE_MS);
      const second = await ctx.service.handleAlert(ctx.origin, alert);
      expect(second.created).toBe(false);
      expect(second.ticket).toEqual(first.ticket);
      expect(await ctx.repository.list({ estateId: ctx.origin.estateId })).toHaveLength(1);
      expect((await ctx.repository.auditTrail(first.ticket.id)).map((e) => e.action)).toEqual(['opened']);
    });

    it('the same alert delivered concurrently opens one ticket', async () => {
      const alert = alertItem();
      const results = await Promise.all(Array.from({ length: 6 }, () => ctx.service.handleAlert(ctx.origin, alert)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.ticket.id)).size).toBe(1);
      expect(await ctx.repository.list({ estateId: ctx.origin.estateId })).toHaveLength(1);
      expect((await ctx.repository.auditTrail(results[0]!.ticket.id)).map((e) => e.action)).toEqual(['opened']);
    });
  });

  describe('changes from the edge', () => {
    it("an update with a newer revision becomes the alert's latest state, and the ticket keeps the words it was opened for", async () => {
      const { alert, ticket } = await ctx.openTicket();
      const update = nextChange(alert, 'updated', BASE_TIME + 30 * MINUTE_MS, {
        severity: 'critical',
        reason: { zh: '8 小时未见活动', en: 'No activity for 8 hours' },
        evidence: { hours_inactive: 8 },
      });
      ctx.clock.advance(30 * MINUTE_MS);
      const { ticket: updated, created } = await ctx.service.handleAlert(ctx.origin, update);
      expect(created).toBe(false);
      expect(updated).toMatchObject({
        id: ticket.id,
        status: 'open',
        alertState: 'updated',
        alertRevision: 2,
        severity: 'critical',
        reasonZh: alert.reason.zh,
        reasonEn: alert.reason.en,
        alertReasonZh: '8 小时未见活动',
        alertReasonEn: 'No activity for 8 hours',
        alertChangedAt: BASE_TIME + 30 * MINUTE_MS,
        evidence: { hours_inactive: 8 },
        raisedAt: ticket.raisedAt,
        ackDueAt: ticket.ackDueAt,
        updatedAt: ctx.clock.now(),
      });
      const audit = await ctx.repository.auditTrail(ticket.id);
      expect(audit.map((e) => e.action)).toEqual(['opened', 'alert_updated']);
      expect(audit[1]).toMatchObject({
        at: ctx.clock.now(),
        actor: `gateway:${ctx.origin.gatewayId}`,
        details: { revision: 2, state: 'updated', stale: false, reason: update.reason, evidence: update.evidence, event_time: update.event_time },
      });
    });

    it('a revision below the stored one changes no field of the ticket, and the audit trail records it', async () => {
      const { alert, ticket } = await ctx.openTicket();
      const second = nextChange(alert, 'updated', BASE_TIME + MINUTE_MS, { severity: 'major', reason: { zh: '第二次', en: 'second' } });
      const third = nextChange(second, 'updated', BASE_TIME + 2 * MINUTE_MS, { severity: 'critical' });
      await ctx.service.handleAlert(ctx.origin, third);
      const before = await ctx.repository.get(ticket.id);
      ctx.clock.advance(MINUTE_MS);
      const { ticket: after } = await ctx.service.handleAlert(ctx.origin, second);
      expect(after).toEqual(before);
      expect(await ctx.repository.get(ticket.id)).toEqual(before);
      expect(after).toMatchObject({ alertRevision: 3, severity: 'critical', alertReasonEn: third.reason.en, reasonEn: alert.reason.en });
      const audit = await ctx.repository.auditTrail(ticket.id);
      expect(audit.map((e) => [e.action, e.details.revision, e.details.stale])).toEqual([
        ['opened', 1, undefined],
        ['alert_updated', 3, false],
        ['alert_updated', 2, true],
      ]);
      expect(audit[2]!.details).toMatchObject({ reason: { zh: '第二次', en: 'second' }, severity: 'major' });
    });

    it('a cleared alert leaves the ticket the words it was opened for; the latest state and every revision stand beside them', async () => {
      const raise = alertItem({
        category: 'lift_entrapment',
        rule: 'lift_entrapment',
        subject: { kind: 'asset', id: 'lift-3' },
        reason: { zh: '3 号梯报警按钮被按下，可能有人被困', en: 'Alarm button pressed in lift 3: a passenger may be trapped' },
        evidence: { first_pressed_at: '2026-11-24T08:00:00.000Z', presses: 1 },
      });
      const { ticket } = await ctx.service.handleAlert(ctx.origin, raise);
      const update = nextChange(raise, 'updated', BASE_TIME + 2 * MINUTE_MS, {
        reason: { zh: '3 号梯报警按钮再次被按下', en: 'Alarm button pressed again in lift 3' },
        evidence: { first_pressed_at: '2026-11-24T08:00:00.000Z', presses: 2 },
      });
      const clear = nextChange(update, 'cleared', BASE_TIME + 9 * MINUTE_MS, {
        reason: { zh: '3 号梯门已打开：已无人被困', en: 'Lift 3 doors open: no longer trapped' },
        evidence: { first_pressed_at: '2026-11-24T08:00:00.000Z', presses: 2, doors_open: true },
      });
      for (const change of [update, clear]) {
        ctx.clock.advance(MINUTE_MS);
        await ctx.service.handleAlert(ctx.origin, change);
      }
      const cleared = await ctx.repository.get(ticket.id);
      expect(cleared).toMatchObject({
        status: 'open',
        reasonZh: raise.reason.zh,
        reasonEn: raise.reason.en,
        reasonRevision: 1,
        alertState: 'cleared',
        alertRevision: 3,
        alertReasonZh: clear.reason.zh,
        alertReasonEn: clear.reason.en,
        alertChangedAt: BASE_TIME + 9 * MINUTE_MS,
        alertClearedAt: BASE_TIME + 9 * MINUTE_MS,
        evidence: clear.evidence,
      });
      const audit = await ctx.repository.auditTrail(ticket.id);
      // Cleared before anyone acknowledged: the clocks stop and a follow-up call is due (work-order-actions.ts).
      expect(audit.at(-1)).toMatchObject({ action: 'follow_up_scheduled', actor: 'system', details: { cause: 'alert_cleared_before_acknowledgement' } });
      expect(audit.slice(0, -1).map((e) => ({ action: e.action, ...e.details }))).toEqual(
        [raise, update, clear].map((alert, index) => ({
          action: ['opened', 'alert_updated', 'alert_cleared'][index],
          alert_id: alert.id,
          revision: alert.revision,
          state: alert.state,
          severity: alert.severity,
          reason: alert.reason,
          evidence: alert.evidence,
          event_time: alert.event_time,
          ...(index > 0 ? { stale: false } : {}),
        })),
      );
    });

    it('keeps every revision once, whatever order they arrive in: a redelivery adds nothing', async () => {
      const raise = alertItem({ reason: { zh: '开单原因', en: 'why it opened' } });
      const update = nextChange(raise, 'updated', BASE_TIME + 5 * MINUTE_MS, { reason: { zh: '更新', en: 'updated' } });
      const clear = nextChange(update, 'cleared', BASE_TIME + 10 * MINUTE_MS, { reason: { zh: '解除', en: 'cleared' } });
      const deliveries = [clear, raise, update, clear, raise, update, raise];
      let ticketId = '';
      for (const alert of deliveries) {
        ctx.clock.advance(MINUTE_MS);
        ticketId = (await ctx.service.handleAlert(ctx.origin, alert)).ticket.id;
      }
      expect(await ctx.repository.get(ticketId)).toMatchObject({
        reasonEn: 'why it opened',
        reasonRevision: 1,
        alertState: 'cleared',
        alertRevision: 3,
        alertReasonEn: 'cleared',
        raisedAt: BASE_TIME,
      });
      const audit = (await ctx.repository.auditTrail(ticketId)).filter((e) => e.details.revision !== undefined);
      expect(audit.map((e) => [e.action, e.details.revision, (e.details.reason as { en: string }).en])).toEqual([
        ['opened', 3, 'cleared'],
        ['alert_raised', 1, 'why it opened'],
        ['alert_updated', 2, 'updated'],
      ]);
    });

    it('the same revision delivered concurrently is recorded once', async () => {
      const { alert, ticket } = await ctx.openTicket();
      const update = nextChange(alert, 'updated', BASE_TIME + MINUTE_MS);
      await Promise.all(Array.from({ length: 6 }, () => ctx.service.handleAlert(ctx.origin, update)));
      expect((await ctx.repository.auditTrail(ticket.id)).map((e) => [e.action, e.details.revision])).toEqual([
        ['opened', 1],
        ['alert_updated', 2],
      ]);
    });

    it('cleared records when the alert cleared and leaves the ticket open for a person to resolve, with a follow-up call due within 24 h', async () => {
      const { alert, ticket } = await ctx.openTicket();
      const clearedAt = BASE_TIME + 40 * MINUTE_MS;
      const { ticket: cleared } = await ctx.service.handleAlert(ctx.origin, nextChange(alert, 'cleared', clearedAt));
      expect(cleared).toMatchObject({ id: ticket.id, status: 'open', alertState: 'cleared', alertRevision: 2, alertClearedAt: clearedAt, followUpDueAt: ctx.clock.now() + 24 * HOUR_MS });
      expect((await ctx.repository.auditTrail(ticket.id)).map((e) => e.action)).toEqual(['opened', 'alert_cleared', 'follow_up_scheduled']);
    });

    it('an update that overtakes its raise opens one ticket; the late raise moves raisedAt and due times back and gives the ticket its words', async () => {
      const raise = alertItem({ at: BASE_TIME });
      const update = nextChange(raise, 'updated', BASE_TIME + 10 * MINUTE_MS, { severity: 'critical', reason: { zh: '更新', en: 'updated' } });
      ctx.clock.set(BASE_TIME + 11 * MINUTE_MS);
      const first = await ctx.service.handleAlert(ctx.origin, update);
      expect(first.created).toBe(true);
      expect(first.ticket).toMatchObject({ alertState: 'updated', alertRevision: 2, raisedAt: BASE_TIME + 10 * MINUTE_MS, reasonEn: 'updated', reasonRevision: 2 });
      ctx.clock.advance(MINUTE_MS);
      const late = await ctx.service.handleAlert(ctx.origin, raise);
      expect(late.created).toBe(false);
      expect(late.ticket).toMatchObject({
        id: first.ticket.id,
        alertState: 'updated',
        alertRevision: 2,
        severity: 'critical',
        raisedAt: BASE_TIME,
        ackDueAt: BASE_TIME + 15 * MINUTE_MS,
        onSiteDueAt: BASE_TIME + 2 * HOUR_MS,
        reasonZh: raise.reason.zh,
        reasonEn: raise.reason.en,
        reasonRevision: 1,
        alertReasonEn: 'updated',
      });
      expect(await ctx.repository.list({ estateId: ctx.origin.estateId })).toHaveLength(1);
      const audit = await ctx.repository.auditTrail(first.ticket.id);
      expect(audit[1]).toMatchObject({ action: 'alert_raised', details: { revision: 1, stale: true, raised_at_moved_from: update.event_time } });
    });

    it('a clear that overtakes its raise opens one ticket, already marked cleared', async () => {
      const raise = alertItem({ at: BASE_TIME });
      const clearedAt = BASE_TIME + MINUTE_MS;
      const { ticket, created } = await ctx.service.handleAlert(ctx.origin, nextChange(raise, 'cleared', clearedAt));
      expect(created).toBe(true);
      expect(ticket).toMatchObject({ status: 'open', alertState: 'cleared', alertClearedAt: clearedAt });
      const { ticket: after } = await ctx.service.handleAlert(ctx.origin, raise);
      expect(after).toMatchObject({ id: ticket.id, alertState: 'cleared', alertClearedAt: clearedAt, raisedAt: BASE_TIME });
    });

    it('an update and its raise arriving together open one ticket', async () => {
      const raise = alertItem({ at: BASE_TIME });
      const update = nextChange(raise, 'updated', BASE_TIME + 5 * MINUTE_MS);
      const results = await Promise.all([ctx.service.handleAlert(ctx.origin, update), ctx.service.handleAlert(ctx.origin, raise)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const [ticket] = await ctx.repository.list({ estateId: ctx.origin.estateId });
      expect(await ctx.repository.list({ estateId: ctx.origin.estateId })).toHaveLength(1);
      expect(ticket).toMatchObject({ alertRevision: 2, alertState: 'updated', raisedAt: BASE_TIME });
    });
  });

  describe('due times', () => {
    it.each([
      ['lift_entrapment', 'P1', 5 * MINUTE_MS, 30 * MINUTE_MS],
      ['lift_fault', 'P2', 15 * MINUTE_MS, 2 * HOUR_MS],
      ['care_visit', 'P2', 15 * MINUTE_MS, 2 * HOUR_MS],
      ['water_leak', 'P2', 15 * MINUTE_MS, 2 * HOUR_MS],
      ['device_offline', 'P3', 4 * HOUR_MS, 24 * HOUR_MS],
    ] as const)('%s: %s, acknowledge within %d ms, on site within %d ms of the raise', async (category, priority, ack, onSite) => {
      const { ticket } = await ctx.openTicket({ category });
      expect(ticket).toMatchObject({ type: category, priority, ackDueAt: BASE_TIME + ack, onSiteDueAt: BASE_TIME + onSite });
    });

    it('a late delivery does not extend the deadlines', async () => {
      ctx.clock.set(BASE_TIME + 3 * HOUR_MS);
      const { ticket } = await ctx.openTicket({ category: 'lift_entrapment' });
      expect(ticket).toMatchObject({ openedAt: BASE_TIME + 3 * HOUR_MS, ackDueAt: BASE_TIME + 5 * MINUTE_MS });
    });

    it('a gateway clock running ahead does not extend them either: they count from when the ticket opened', async () => {
      const { ticket } = await ctx.openTicket({ category: 'lift_entrapment', at: RECEIVED_AT + HOUR_MS });
      expect(ticket).toMatchObject({ raisedAt: RECEIVED_AT + HOUR_MS, ackDueAt: RECEIVED_AT + 5 * MINUTE_MS, onSiteDueAt: RECEIVED_AT + 30 * MINUTE_MS });
    });

    it("follows an estate's own policy", async () => {
      const strict = { ...DEFAULT_TICKET_POLICY, care_visit: { ...DEFAULT_TICKET_POLICY.care_visit, priority: 'P1' as const, ackWithinMs: 10 * MINUTE_MS } };
      const estateService = new TicketService(ctx.repository, {
        clock: ctx.clock,
        policyFor: (estateId) => ({ version: 1, categories: estateId === ctx.origin.estateId ? strict : DEFAULT_TICKET_POLICY }),
      });
      const { ticket } = await estateService.handleAlert(ctx.origin, alertItem({ category: 'care_visit' }));
      expect(ticket).toMatchObject({ priority: 'P1', ackDueAt: BASE_TIME + 10 * MINUTE_MS, onSiteDueAt: BASE_TIME + 2 * HOUR_MS });
    });
  });
}
