import { fromWireTime, type AlertItem } from '../../shared/contract/index.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/log/logger.js';
import { systemClock, type Clock } from '../../shared/time/clock.js';
import type { BatchOrigin } from '../telemetry/telemetry-store.js';
import { DEFAULT_ESTATE_POLICY, dueTimes, escalationSnapshot, type EstateTicketPolicy } from './ticket-policy.js';
import type { AlertChange, AroundChange, OpenResult, TicketFilter, TicketRepository } from './ticket-repository.js';
import type { OutcomeCode, Ticket, TicketAuditEntry } from './ticket.js';
import type { WorkOrderAction } from './work-order-actions.js';

/** Who sent an alert and when the cloud received it; the estate comes from the registry. */
export type AlertOrigin = BatchOrigin;

/** One alert item as a change of its episode, applied at `at`. */
function alertChangeOf(origin: AlertOrigin, alert: AlertItem, at: number): AlertChange {
  return {
    actor: `gateway:${origin.gatewayId}`,
    alertId: alert.id,
    episodeId: alert.episode_id,
    revision: alert.revision,
    state: alert.state,
    severity: alert.severity,
    reasonZh: alert.reason.zh,
    reasonEn: alert.reason.en,
    evidence: alert.evidence,
    eventTime: fromWireTime(alert.event_time),
    at,
  };
}

/** Called once per ticket opened, after it is stored (not for redeliveries of its episode). */
export type TicketOpenedListener = (ticket: Ticket) => void;

/** Called after a staff action or a later change of its alert commits, with the ticket as it is now. */
export type TicketChangedListener = (ticket: Ticket) => void;

export interface TicketServiceOptions {
  clock?: Clock;
  /** The policy of one estate: the defaults, or the defaults with the estate's changes laid over them. */
  policyFor?: (estateId: string) => EstateTicketPolicy | Promise<EstateTicketPolicy>;
  logger?: Logger;
  /**
   * Work done in the transaction of each change at `at`: dispatch stops and starts the clocks the
   * change calls for and queues its notifications (dispatch/work-order-desk.ts). None: the ticket row only.
   */
  aroundChange?: (at: number) => AroundChange;
  /** Told after a staff action or an alert change commits (what it queued may be due now). */
  afterChange?: () => void;
}

/**
 * Turns alerts into tickets and carries staff actions to the repository with the service's clock as
 * "now". The first delivery of any change of an episode opens its ticket, whether it is the raise or
 * a later change that overtook it; every other delivery is applied as a change. Due times count from
 * the raise's event time (see slaStart in ticket-policy.ts), not from when the ticket was opened.
 */
export class TicketService {
  private readonly clock: Clock;
  private readonly policyFor: (estateId: string) => EstateTicketPolicy | Promise<EstateTicketPolicy>;
  private readonly listeners = new Set<TicketOpenedListener>();
  private readonly changeListeners = new Set<TicketChangedListener>();

  constructor(
    private readonly repository: TicketRepository,
    private readonly options: TicketServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.policyFor = options.policyFor ?? (() => DEFAULT_ESTATE_POLICY);
  }

  async handleAlert(origin: AlertOrigin, alert: AlertItem): Promise<OpenResult> {
    const now = this.clock.now();
    const change = alertChangeOf(origin, alert, now);
    const estatePolicy = await this.policyFor(origin.estateId);
    const policy = estatePolicy.categories[alert.category];
    const opened = await this.repository.openForAlert(
      {
        id: newId(),
        episodeId: alert.episode_id,
        estateId: origin.estateId,
        gatewayId: origin.gatewayId,
        type: alert.category,
        priority: policy.priority,
        rule: alert.rule,
        subjectKind: alert.subject.kind,
        subjectId: alert.subject.id,
        severity: change.severity,
        reasonZh: change.reasonZh,
        reasonEn: change.reasonEn,
        reasonRevision: change.revision,
        evidence: change.evidence,
        alertState: change.state,
        alertRevision: change.revision,
        alertReasonZh: change.reasonZh,
        alertReasonEn: change.reasonEn,
        alertChangedAt: change.eventTime,
        // For an update or clear that overtook its raise, its own event time is the best bound
        // until the raise arrives and moves raisedAt earlier.
        raisedAt: change.eventTime,
        openedAt: now,
        ...dueTimes(policy, change.eventTime, now),
        alertClearedAt: change.state === 'cleared' ? change.eventTime : null,
        escalation: escalationSnapshot(policy, estatePolicy.version, policy.priority, alert.category),
      },
      change,
    );
    if (opened.created) {
      this.notifyOpened(opened.ticket);
      return opened;
    }
    const changed = await this.repository.applyAlertChange(change, this.options.aroundChange?.(now));
    this.options.afterChange?.();
    if (changed) this.tell(this.changeListeners, changed, 'ticket_changed');
    return { ticket: changed ?? opened.ticket, created: false };
  }

  /** Registers a listener for every ticket opened; returns the function that removes it. */
  onTicketOpened(listener: TicketOpenedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers a listener for every committed change after the opening; returns the function that removes it. */
  onTicketChanged(listener: TicketChangedListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  get(id: string): Promise<Ticket | null> {
    return this.repository.get(id);
  }

  list(filter: TicketFilter = {}): Promise<Ticket[]> {
    return this.repository.list(filter);
  }

  auditTrail(id: string): Promise<TicketAuditEntry[]> {
    return this.repository.auditTrail(id);
  }

  /** A staff action now (work-order-actions.ts), with what it sets going around the ticket. */
  async act(id: string, action: WorkOrderAction): Promise<Ticket> {
    const at = this.clock.now();
    const ticket = await this.repository.applyAction(id, action, at, this.options.aroundChange?.(at));
    this.options.afterChange?.();
    this.tell(this.changeListeners, ticket, 'ticket_changed');
    return ticket;
  }

  acknowledge(id: string, by: string): Promise<Ticket> {
    return this.act(id, { kind: 'acknowledge', by });
  }

  markOnSite(id: string, by: string): Promise<Ticket> {
    return this.act(id, { kind: 'on_site', by });
  }

  resolve(id: string, by: string, outcomeCode: OutcomeCode, note: string | null): Promise<Ticket> {
    return this.act(id, { kind: 'resolve', by, outcomeCode, note });
  }

  /** A failing listener is logged and never stops the others or the alert that opened the ticket. */
  private notifyOpened(ticket: Ticket): void {
    this.tell(this.listeners, ticket, 'ticket_opened');
  }

  private tell(listeners: ReadonlySet<(ticket: Ticket) => void>, ticket: Ticket, event: string): void {
    for (const listener of listeners) {
      try {
        listener(ticket);
      } catch (error) {
        this.options.logger?.error({ err: error, ticketId: ticket.id }, `${event} listener failed`);
      }
    }
  }
}
