import type { AlertCategory, Evidence, SubjectKind } from '../../shared/contract/index.js';
import type { TicketPriority, TicketStatus } from '../tickets/ticket.js';
import type { Mention } from './channels/channel.js';
import type { NotificationPurpose } from './notification-purpose.js';

/** Where a ticket's subject is, in the registry's own words. */
export interface PlaceFacts {
  building: string | null;
  /** A unit's label ("2-1402"): where, never who. */
  unit: string | null;
  /** An asset's name ("Lift 2"). */
  asset: string | null;
  gateway: string | null;
  /** A device's id, when the subject is a device. */
  device: string | null;
  subjectKind: SubjectKind;
  subjectId: string;
}

/** The ticket as it is at send time. */
export interface TicketFacts {
  id: string;
  type: AlertCategory;
  priority: TicketPriority;
  status: TicketStatus;
  reasonZh: string;
  reasonEn: string;
  evidence: Evidence;
  raisedAt: number;
  ackDueAt: number;
  onSiteDueAt: number;
  /** The follow-up call (回访) due, once the ticket is resolved or its alert cleared first. */
  followUpDueAt: number | null;
  followedUpAt: number | null;
  place: PlaceFacts;
}

/** Everything a message is rendered from, read at send time (message-context-loader.ts). */
export interface MessageContext {
  deliveryId: string;
  notificationId: string;
  purpose: NotificationPurpose;
  chain: string | null;
  step: number;
  audience: string;
  estateId: string;
  estateName: string;
  timeZone: string;
  ticket: TicketFacts | null;
  recipients: Mention[];
  details: Record<string, unknown>;
  /** A grouped message: the tickets of its members still queued. */
  group: { tickets: TicketFacts[] } | null;
  /** The channel the message goes out on (null: the process log). */
  channelName: string | null;
}
