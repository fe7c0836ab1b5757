import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { toTicket, type TicketRow } from '../tickets/ticket-row.js';
import type { AroundChange, TicketRepository } from '../tickets/ticket-repository.js';
import type { EscalationChainName, EstateTicketPolicy } from '../tickets/ticket-policy.js';
import type { Ticket } from '../tickets/ticket.js';
import type { WorkOrderEffects } from '../tickets/work-order-actions.js';
import type { TicketChange } from '../tickets/ticket-changes.js';
import { deadlineTimers, type DeadlineTimer, type TimerChain } from './deadline-timers.js';
import { chainRuns, firstTimer, timersAfter } from './escalation-steps.js';
import type { DispatchPeople } from './dispatch-people.js';
import type { NotificationSink } from './notification-sink.js';
import type { NotificationPurpose } from '../notifications/notification-purpose.js';

/** What each chain's escalation says to people. */
const OVERDUE_PURPOSE: Readonly<Record<EscalationChainName, NotificationPurpose>> = {
  ack: 'ack_overdue',
  on_site: 'on_site_overdue',
  follow_up: 'follow_up_overdue',
};

const ESCALATION_CHAINS: ReadonlySet<TimerChain> = new Set(['ack', 'on_site', 'follow_up']);

/** Thrown when a timer's ticket is being changed by someone else right now; the timer stays due. */
export class TicketBusyError extends Error {
  constructor(readonly ticketId: string) {
    super(`ticket ${ticketId} is being changed; its timer stays due`);
    this.name = 'TicketBusyError';
  }
}

export interface WorkOrderDeskOptions {
  repository: TicketRepository;
  people: DispatchPeople;
  notifications: NotificationSink;
  /** The policy in force in an estate (for who a category goes to; the chains come from the ticket). */
  policyFor(estateId: string, tx: SqlExecutor): Promise<EstateTicketPolicy>;
  clock: Clock;
  logger: Logger;
}

/**
 * The people side of a ticket: dispatch (派单) from the duty roster, the grab pool (抢单), staff
 * actions with the clocks they stop and start, and the escalation steps timers fire. Every change
 * runs in one transaction with its audit entries, its timers and its notifications: an
 * acknowledgement that commits has cancelled every notification of "nobody answered" not yet sent,
 * and a dispatch that commits has queued the assignee's message.
 */
export class WorkOrderDesk {
  constructor(private readonly options: WorkOrderDeskOptions) {}

  /** Does what a claimed timer is due for, in the claiming transaction. */
  async fire(tx: SqlExecutor, timer: DeadlineTimer, at: number): Promise<void> {
    const ticket = await lockTicketIfFree(tx, timer.ticketId);
    switch (timer.chain) {
      case 'dispatch':
        return this.dispatch(tx, ticket, at);
      case 'pool':
        if (ticket.status === 'open' && ticket.pooledUntil !== null) await this.assign(tx, ticket, at, { afterPool: true });
        return;
      default:
        return this.escalate(tx, ticket, timer as DeadlineTimer & { chain: EscalationChainName }, at);
    }
  }

  /**
   * What a ticket change at `at` sets going, run in its transaction (TicketService aroundChange):
   * a staff action's clocks and notices, an alert cleared before anyone acted.
   */
  aroundChange(at: number): AroundChange {
    return (tx, before, after, effects) => this.applyEffects(tx, before, after, effects, at);
  }

  /** A new ticket: waits behind its gateway's offline ticket, waits in the grab pool, or goes to people now. */
  private async dispatch(tx: SqlExecutor, ticket: Ticket, at: number): Promise<void> {
    // Someone took it before the dispatch timer fired (an acknowledgement through the API): its clocks still run.
    if (ticket.status !== 'open' || ticket.assigneeIds.length > 0 || ticket.pooledUntil !== null) return this.startClocks(tx, ticket);
    const gatewayTicket = await this.gatewayOfflineTicketFor(tx, ticket);
    if (gatewayTicket) {
      await this.write(tx, ticket, at, {
        patch: { heldBehind: gatewayTicket },
        audit: [{ actor: 'system', action: 'held_behind', details: { gateway_ticket_id: gatewayTicket } }],
      });
      return;
    }
    const poolFor = ticket.escalation?.poolForMs ?? null;
    if (poolFor !== null) {
      const pooledUntil = at + poolFor;
      const pooled = await this.write(tx, ticket, at, {
        patch: { pooledUntil },
        audit: [{ actor: 'system', action: 'pooled', details: { until: new Date(pooledUntil).toISOString() } }],
      });
      await deadlineTimers.schedule(tx, { ticketId: ticket.id, chain: 'pool', baseAt: pooledUntil, step: 0, round: 0, dueAt: pooledUntil });
      // Offered to everyone on duty in the roles that would be assigned; with nobody on duty it is dispatched when the pool time ends.
      const policy = (await this.options.policyFor(ticket.estateId, tx)).categories[ticket.type];
      await this.tell(tx, pooled, 'ticket_pooled', null, await this.options.people.everyoneOnDuty(tx, pooled, policy.assignTo, at), 'pool', at);
      await this.startClocks(tx, pooled);
      return;
    }
    await this.assign(tx, ticket, at, { afterPool: false });
    await this.startClocks(tx, ticket);
  }

  /** Gives the ticket to the roster's people now, and tells them. */
  private async assign(tx: SqlExecutor, ticket: Ticket, at: number, how: { afterPool: boolean; redispatch?: boolean }): Promise<Ticket> {
    const policy = (await this.options.policyFor(ticket.estateId, tx)).categories[ticket.type];
    const assignment = await this.options.people.assignmentFor(tx, ticket, policy.assignTo, policy.inform, at);
    if (assignment.assigneeIds.length === 0) {
      this.options.logger.warn({ ticketId: ticket.id, estateId: ticket.estateId }, 'nobody to dispatch the ticket to: no one on duty and no supervisor or estate manager');
      return this.write(tx, ticket, at, {
        patch: { pooledUntil: null },
        audit: [{ actor: 'system', action: 'dispatch_failed', details: { reason: 'no_staff', roles: policy.assignTo } }],
      });
    }
    const assigned = await this.write(tx, ticket, at, {
      patch: {
        status: ticket.acknowledgedAt === null ? 'assigned' : ticket.status,
        assigneeIds: assignment.assigneeIds,
        informedIds: assignment.informedIds,
        assignedAt: at,
        pooledUntil: null,
      },
      audit: [
        {
          actor: 'system',
          action: 'assigned',
          details: {
            assignees: assignment.assigneeIds,
            ...(assignment.fallbacks.length ? { fallbacks: assignment.fallbacks } : {}),
            ...(how.afterPool ? { after_pool: true } : {}),
            ...(how.redispatch ? { after_hand_back: true } : {}),
          },
        },
        ...(assignment.informedIds.length ? [{ actor: 'system', action: 'informed' as const, details: { informed: assignment.informedIds } }] : []),
      ],
    });
    await this.tell(tx, assigned, 'ticket_assigned', 'ack', assignment.assigneeIds, 'assignee', at);
    if (assignment.informedIds.length) await this.tell(tx, assigned, 'ticket_informed', null, assignment.informedIds, 'informed', at);
    return assigned;
  }

  /** The ack and on-site chains of a newly dispatched ticket, from its deadlines. */
  private async startClocks(tx: SqlExecutor, ticket: Ticket): Promise<void> {
    const chains = ticket.escalation?.chains;
    if (!chains || ticket.followUpDueAt !== null) return;
    for (const [chain, baseAt] of [['ack', ticket.ackDueAt], ['on_site', ticket.onSiteDueAt]] as const) {
      const timer = firstTimer(ticket.id, chain, baseAt, chains[chain]);
      if (timer) await deadlineTimers.schedule(tx, timer);
    }
  }

  /** A step of a chain: tell its audience, record it, and schedule what comes after it. */
  private async escalate(tx: SqlExecutor, ticket: Ticket, timer: DeadlineTimer & { chain: EscalationChainName }, at: number): Promise<void> {
    if (!chainRuns(ticket, timer.chain)) return;
    const steps = ticket.escalation?.chains[timer.chain] ?? [];
    const step = steps[timer.step];
    if (!step) return;
    const recipients = await this.options.people.audience(tx, ticket, step.audience, at);
    await this.write(tx, ticket, at, {
      patch: {},
      audit: [
        {
          actor: 'system',
          action: 'escalated',
          details: { chain: timer.chain, step: timer.step, round: timer.round, audience: step.audience, recipients, deadline: new Date(timer.baseAt).toISOString() },
        },
      ],
    });
    await this.options.notifications.enqueue(tx, {
      estateId: ticket.estateId,
      ticketId: ticket.id,
      purpose: OVERDUE_PURPOSE[timer.chain],
      chain: timer.chain,
      step: timer.step + 1,
      recipientStaffIds: recipients,
      audience: step.audience,
      sendAt: at,
      dedupeKey: `${ticket.id}:${timer.chain}:${timer.baseAt}:${timer.step}:${timer.round}`,
      details: { round: timer.round, deadline: timer.baseAt },
    });
    for (const next of timersAfter(timer, steps)) await deadlineTimers.schedule(tx, next);
  }

  /** Clocks stopped and started, people told, the roster asked again: what a change sets going. */
  private async applyEffects(tx: SqlExecutor, before: Ticket, after: Ticket, effects: WorkOrderEffects, at: number): Promise<void> {
    const stopped: TimerChain[] = [...effects.stopChains, ...(effects.stopPool ? (['pool'] as const) : [])];
    await deadlineTimers.cancel(tx, after.id, stopped, at);
    for (const chain of effects.stopChains) await this.options.notifications.cancelChain(tx, after.id, chain, `${after.status} at ${new Date(at).toISOString()}`);
    for (const start of effects.startChains) {
      const timer = firstTimer(after.id, start.chain, start.baseAt, after.escalation?.chains[start.chain] ?? []);
      if (timer) await deadlineTimers.schedule(tx, timer);
    }
    for (const notice of effects.tell) {
      const staffIds = notice.staffIds === 'supervisors' ? await this.options.people.supervisors(tx, after, at) : [...notice.staffIds];
      await this.tell(tx, after, notice.purpose, null, staffIds, notice.staffIds === 'supervisors' ? 'supervisor' : 'assignee', at);
    }
    if (effects.redispatch) await this.assign(tx, after, at, { afterPool: false, redispatch: true });
    if (before.type === 'device_offline' && before.subjectKind === 'gateway' && !isFinished(before) && isFinished(after)) await this.releaseHeldBehind(tx, after, at);
  }

  private async tell(tx: SqlExecutor, ticket: Ticket, purpose: NotificationPurpose, chain: string | null, staffIds: string[], audience: string, at: number): Promise<void> {
    if (staffIds.length === 0) return;
    await this.options.notifications.enqueue(tx, {
      estateId: ticket.estateId,
      ticketId: ticket.id,
      purpose,
      chain,
      step: 0,
      recipientStaffIds: staffIds,
      audience,
      sendAt: at,
      dedupeKey: `${ticket.id}:${purpose}:${at}:${staffIds.join(',')}`,
      // A bus or gateway going down takes many devices at once: their tickets go out as one message.
      groupKey: ticket.type === 'device_offline' && ticket.subjectKind === 'device' ? 'device_offline' : null,
    });
  }

  /** A device-offline ticket waits behind an open offline ticket of its own gateway: one cause, one ticket to act on. */
  private async gatewayOfflineTicketFor(tx: SqlExecutor, ticket: Ticket): Promise<string | null> {
    if (ticket.type !== 'device_offline' || ticket.subjectKind === 'gateway') return null;
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM tickets
       WHERE gateway_id = $1 AND type = 'device_offline' AND subject_kind = 'gateway' AND status NOT IN ('resolved', 'followed_up', 'closed')
       ORDER BY opened_at LIMIT 1`,
      [ticket.gatewayId],
    );
    return rows[0]?.id ?? null;
  }

  /** The gateway is back (its ticket resolved): the device tickets held behind it are dispatched on their own. */
  private async releaseHeldBehind(tx: SqlExecutor, gatewayTicket: Ticket, at: number): Promise<void> {
    const { rows } = await tx.query<TicketRow>(`SELECT * FROM tickets WHERE held_behind = $1 AND status = 'open' FOR UPDATE`, [gatewayTicket.id]);
    for (const row of rows) {
      const released = await this.write(tx, toTicket(row), at, {
        patch: { heldBehind: null },
        audit: [{ actor: 'system', action: 'released', details: { gateway_ticket_id: gatewayTicket.id } }],
      });
      // Step 1: the dispatch timer of the opening (step 0) may share this instant.
      await deadlineTimers.schedule(tx, { ticketId: released.id, chain: 'dispatch', baseAt: at, step: 1, round: 0, dueAt: at });
    }
  }

  private write(tx: SqlExecutor, ticket: Ticket, at: number, change: TicketChange): Promise<Ticket> {
    return this.options.repository.changeInTransaction(tx, ticket, at, change);
  }
}

function isFinished(ticket: Ticket): boolean {
  return ticket.status === 'resolved' || ticket.status === 'followed_up' || ticket.status === 'closed';
}

/**
 * Locks the timer's ticket without waiting (FOR UPDATE NOWAIT): a staff action holding it may be
 * about to cancel this very timer, and waiting for it while holding the timer's row would deadlock
 * with its cancel. PostgreSQL answers SQLSTATE 55P03 (lock_not_available); the timer stays due.
 */
async function lockTicketIfFree(tx: SqlExecutor, ticketId: string): Promise<Ticket> {
  try {
    const { rows } = await tx.query<TicketRow>('SELECT * FROM tickets WHERE id = $1 FOR UPDATE NOWAIT', [ticketId]);
    return toTicket(rows[0]!);
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') throw new TicketBusyError(ticketId);
    throw error;
  }
}
