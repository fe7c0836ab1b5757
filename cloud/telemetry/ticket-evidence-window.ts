import type { AlertCategory } from '../../shared/contract/index.js';
import type { Ticket } from '../tickets/ticket.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Readings and events before the episode: 2 h shows what led up to a lift stop or a burst main. */
export const EVIDENCE_BEFORE_MS = 2 * HOUR_MS;
/** A care visit shows a week of hourly activity before it: "usual" is a week of days, 168 points. */
export const CARE_ACTIVITY_BEFORE_MS = 7 * DAY_MS;
/** After the episode ends, 30 min: whether the lift ran again, whether the flow stayed down. */
export const EVIDENCE_AFTER_MS = 30 * MINUTE_MS;
/** The longest window served (raw readings are kept 30 days by default; an episode may run longer). */
export const MAX_EVIDENCE_SPAN_MS = 45 * DAY_MS;

/** What a ticket's evidence covers, epoch ms: the episode and the window around it. */
export interface EvidenceWindow {
  from: number;
  to: number;
  episodeFrom: number;
  /** When the alert cleared (or the ticket closed); null while the episode goes on. */
  episodeTo: number | null;
}

/**
 * The episode runs from the raise (event time on the estate) to the alert's clear, or the ticket's
 * close when the alert never cleared; the window adds EVIDENCE_BEFORE_MS before (a week for a
 * care visit's hourly activity) and EVIDENCE_AFTER_MS after, never past now, and at most
 * MAX_EVIDENCE_SPAN_MS long (the latest part kept).
 */
export function evidenceWindow(ticket: Pick<Ticket, 'type' | 'raisedAt' | 'alertClearedAt' | 'closedAt'>, now: number): EvidenceWindow {
  const episodeTo = ticket.alertClearedAt ?? ticket.closedAt;
  const before = beforeFor(ticket.type);
  const to = Math.max(ticket.raisedAt + 1, Math.min(now, (episodeTo ?? now) + EVIDENCE_AFTER_MS));
  const from = Math.max(ticket.raisedAt - before, to - MAX_EVIDENCE_SPAN_MS);
  return { from, to, episodeFrom: ticket.raisedAt, episodeTo };
}

function beforeFor(type: AlertCategory): number {
  return type === 'care_visit' ? CARE_ACTIVITY_BEFORE_MS : EVIDENCE_BEFORE_MS;
}
