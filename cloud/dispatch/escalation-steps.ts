import type { EscalationChainName, EscalationStep } from '../tickets/ticket-policy.js';
import type { Ticket } from '../tickets/ticket.js';
import type { DeadlineTimer } from './deadline-timers.js';

/** The last step of a chain renotifies at most this many times: a chain nobody stops still ends. */
export const MAX_RENOTIFY_ROUNDS = 12;

/**
 * Whether a chain still runs for the ticket: "nobody answered" until someone acknowledges, the
 * on-site clock until someone arrives, the follow-up until it is recorded; none once closed.
 * Stopping a chain cancels its timers in the same transaction; this is the second guard, read from
 * the locked ticket when a timer fires.
 */
export function chainRuns(ticket: Ticket, chain: EscalationChainName): boolean {
  if (ticket.status === 'closed') return false;
  switch (chain) {
    case 'ack':
      return ticket.acknowledgedAt === null && ticket.resolvedAt === null && ticket.followUpDueAt === null;
    case 'on_site':
      return ticket.onSiteAt === null && ticket.resolvedAt === null && ticket.followUpDueAt === null;
    case 'follow_up':
      return ticket.followUpDueAt !== null && ticket.followedUpAt === null;
  }
}

/** The first timer of a chain counted from baseAt; null for an empty chain. */
export function firstTimer(ticketId: string, chain: EscalationChainName, baseAt: number, steps: readonly EscalationStep[]): DeadlineTimer | null {
  const first = steps[0];
  return first ? { ticketId, chain, baseAt, step: 0, round: 0, dueAt: baseAt + first.afterMs } : null;
}

/**
 * The timers a fired step schedules: at its first round, the next step; and its own next round
 * while it renotifies, until the next step is due (the last step: MAX_RENOTIFY_ROUNDS rounds).
 */
export function timersAfter(fired: DeadlineTimer, steps: readonly EscalationStep[]): DeadlineTimer[] {
  const step = steps[fired.step];
  if (!step) return [];
  const next = steps[fired.step + 1];
  const timers: DeadlineTimer[] = [];
  if (fired.round === 0 && next) timers.push({ ...fired, step: fired.step + 1, round: 0, dueAt: fired.baseAt + next.afterMs });
  if (step.renotifyEveryMs !== null) {
    const dueAt = fired.baseAt + step.afterMs + (fired.round + 1) * step.renotifyEveryMs;
    const beforeNextStep = next ? dueAt < fired.baseAt + next.afterMs : fired.round + 1 <= MAX_RENOTIFY_ROUNDS;
    if (beforeNextStep) timers.push({ ...fired, round: fired.round + 1, dueAt });
  }
  return timers;
}
