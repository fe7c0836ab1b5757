import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase } from '../db/sql-database.js';
import type { TicketRepository } from '../tickets/ticket-repository.js';
import type { TicketServiceOptions } from '../tickets/ticket-service.js';
import type { Ticket } from '../tickets/ticket.js';
import { DeadlineWorker } from './deadline-worker.js';
import type { DeadlineTimer } from './deadline-timers.js';
import { DispatchPeople, staffWhoCannotTake } from './dispatch-people.js';
import { DispatchPolicyRepository } from './dispatch-policy-repository.js';
import type { NotificationSink } from './notification-sink.js';
import { RosterRepository } from './roster-repository.js';
import { WorkOrderDesk } from './work-order-desk.js';
import { estateTeam, type TeamMember } from './estate-team.js';
import { escalationsInProgress, type EscalationInProgress } from './escalations-in-progress.js';

export interface DispatchModule {
  roster: RosterRepository;
  policies: DispatchPolicyRepository;
  desk: WorkOrderDesk;
  /** A Component: fires due timers on a poll, and at once when woken. */
  worker: DeadlineWorker;
  /** What the ticket service needs from dispatch: each estate's policy, and the work around each change. */
  ticketOptions: Pick<TicketServiceOptions, 'policyFor' | 'aroundChange' | 'afterChange'>;
  /** For the ticket routes: who cannot be given a ticket. */
  staffWhoCannotTake(ticket: Pick<Ticket, 'estateId' | 'type'>, staffIds: readonly string[]): Promise<string[]>;
  /** Call when a ticket opened: its dispatch timer is due now. */
  ticketOpened(): void;
  /** What a supervisor watches: the team on duty and the escalations still running. */
  supervision: {
    team(estateId: string, at: number): Promise<TeamMember[]>;
    escalations(estateId: string): Promise<EscalationInProgress[]>;
  };
}

/** Dispatch over the database: roster, policy, the desk that acts on tickets, and the worker that fires their timers. */
export function buildDispatch(
  db: SqlDatabase,
  repository: TicketRepository,
  /** The queue dispatch enqueues on, and the wake of its dispatcher (told after each commit that queued something). */
  notifications: { queue: NotificationSink; wake(): void },
  clock: Clock,
  logger: Logger,
  /** Told of each timer fired, once its transaction committed (the cloud counts them in /metrics). */
  onTimerFired: (timer: DeadlineTimer) => void = () => {},
): DispatchModule {
  const roster = new RosterRepository(db);
  const policies = new DispatchPolicyRepository(db);
  const desk = new WorkOrderDesk({ repository, people: new DispatchPeople(roster), notifications: notifications.queue, policyFor: (estateId, tx) => policies.effective(estateId, tx), clock, logger });
  const worker = new DeadlineWorker(db, desk, clock, logger, (timer) => {
    notifications.wake();
    onTimerFired(timer);
  });
  return {
    roster,
    policies,
    desk,
    worker,
    ticketOptions: {
      policyFor: (estateId) => policies.effective(estateId),
      aroundChange: (at) => desk.aroundChange(at),
      afterChange: () => notifications.wake(),
    },
    staffWhoCannotTake: (ticket, staffIds) => staffWhoCannotTake(db, ticket, staffIds),
    ticketOpened: () => worker.wake(),
    supervision: {
      team: async (estateId, at) => estateTeam(db, estateId, await roster.list(estateId), at),
      escalations: (estateId) => escalationsInProgress(db, estateId),
    },
  };
}
