import type { TicketService } from '../tickets/ticket-service.js';

/**
 * Tells every open work stream of this process to look again at its list: a ticket opened or
 * changed here, or a dispatch timer committed here (an assignment, an escalation, a hand-back going
 * to the next person). It carries no data; each stream reads its own list, as its caller may see it.
 * Changes made by another cloud instance reach a stream at its next backstop look (work-stream.ts).
 */
export class WorkFeed {
  private readonly watchers = new Set<() => void>();

  /** Registers a stream; returns the function that removes it. */
  watch(lookAgain: () => void): () => void {
    this.watchers.add(lookAgain);
    return () => this.watchers.delete(lookAgain);
  }

  signal(): void {
    for (const lookAgain of this.watchers) lookAgain();
  }

  get watching(): number {
    return this.watchers.size;
  }
}

/** Signals the feed after every ticket the service opens or changes (staff actions, alert changes). */
export function signalTicketChanges(feed: WorkFeed, tickets: Pick<TicketService, 'onTicketOpened' | 'onTicketChanged'>): void {
  tickets.onTicketOpened(() => feed.signal());
  tickets.onTicketChanged(() => feed.signal());
}
