import type { Evidence } from '../../shared/contract/index.js';
import type { OutgoingMessage } from './channels/channel.js';
import { localTime } from '../platform/local-calendar.js';
import { MESSAGE_CATALOGUES, type MessageCatalogue, type MessageLanguage } from './message-catalogue.js';
import type { MessageContext, PlaceFacts, TicketFacts } from './message-context.js';

export interface RenderOptions {
  language: MessageLanguage;
  /**
   * The channel's show_resident_names: only then does a message about a household carry more than
   * its unit and the reason words (the evidence summary). Household activity is sensitive personal
   * information (PIPL Art. 28); a chat group is a wide audience.
   */
  showResidentDetails: boolean;
  /** The console's address; links are `${publicUrl}/tickets/${id}`. */
  publicUrl: string;
}

/** Places a grouped message names before "and N more". */
const MAX_GROUPED_PLACES = 5;
/** Longest evidence summary shown. */
const MAX_EVIDENCE_CHARS = 200;

/** The message for one delivery: what, where, since when, the deadline, the link, the step and who it is for. */
export function renderMessage(context: MessageContext, options: RenderOptions): OutgoingMessage {
  const words = MESSAGE_CATALOGUES[options.language];
  const base = options.publicUrl.replace(/\/+$/, '');
  const data = {
    notification_id: context.notificationId,
    estate_id: context.estateId,
    purpose: context.purpose,
    chain: context.chain,
    step: context.step,
    audience: context.audience,
    ticket_id: context.ticket?.id ?? ticketIdOf(context.details),
  };
  const recipientsLine = context.recipients.length ? [`${words.label.recipients}${words.colon}${words.list(context.recipients.map((r) => r.displayName))}`] : [];
  const message = (title: string, lines: string[], link: string | null): OutgoingMessage => ({
    id: context.deliveryId,
    title,
    lines: [...lines, ...recipientsLine],
    link,
    mentions: context.recipients,
    data,
  });

  if (context.purpose === 'channel_test') return message(bracket(words.purpose.channel_test, options.language), [words.channelTest(context.channelName ?? 'log')], null);

  if (context.purpose === 'dead_letter_warning') {
    const failed = String(context.details.failed_purpose ?? '');
    const failedWords = failed in words.purpose ? words.purpose[failed as keyof typeof words.purpose] : failed;
    const ticketId = ticketIdOf(context.details);
    return message(
      bracket(words.purpose.dead_letter_warning, options.language),
      [
        words.deadLetter(failedWords),
        `${words.label.channel}${words.colon}${String(context.details.channel_name ?? 'log')} (${String(context.details.channel_kind ?? 'log')})`,
        `${words.label.error}${words.colon}${String(context.details.last_error ?? '')}`,
      ],
      ticketId ? `${base}/tickets/${ticketId}` : null,
    );
  }

  if (context.purpose === 'daily_digest') {
    // The digest's words come whole from the KPI report (kpis/digest-renderer.ts), in both languages.
    const text = String(context.details[options.language === 'zh' ? 'text_zh' : 'text_en'] ?? '');
    const [title = bracket(words.purpose.daily_digest, options.language), ...lines] = text.split('\n');
    return message(title, lines, `${base}/kpis`);
  }

  if (context.group) {
    const tickets = context.group.tickets;
    const places = tickets.map((ticket) => placeWords(ticket.place, words));
    const shown = places.slice(0, MAX_GROUPED_PLACES);
    const more = places.length - shown.length;
    const since = Math.min(...tickets.map((ticket) => ticket.raisedAt));
    return message(
      `${bracket(words.category.device_offline, options.language)}${words.devicesOffline(tickets.length)}`,
      [
        `${words.label.where}${words.colon}${context.estateName} ${words.list(shown)}${more > 0 ? (options.language === 'zh' ? ` 等${places.length}处` : ` and ${more} more`) : ''}`,
        `${words.label.since}${words.colon}${localTime(since, context.timeZone)}`,
      ],
      `${base}/tickets?type=device_offline`,
    );
  }

  const ticket = context.ticket;
  if (!ticket) return message(bracket(words.purpose[context.purpose], options.language), [], `${base}/tickets`);

  const lines = [
    `${words.label.where}${words.colon}${context.estateName} ${placeWords(ticket.place, words)}`,
    `${words.label.reason}${words.colon}${options.language === 'zh' ? ticket.reasonZh : ticket.reasonEn}`,
    `${words.label.since}${words.colon}${localTime(ticket.raisedAt, context.timeZone)}`,
    ...deadlineLine(ticket, words, context.timeZone, options.language),
  ];
  const householdTicket = ticket.type === 'care_visit' || ticket.place.unit !== null;
  const evidence = evidenceWords(ticket.evidence);
  if (evidence && (!householdTicket || options.showResidentDetails)) lines.push(`${words.label.details}${words.colon}${evidence}`);
  if (context.chain !== null && context.step >= 1) lines.push(words.escalationStep(context.step, words.audience[context.audience] ?? context.audience));
  return message(
    `${bracket(words.category[ticket.type], options.language)}${words.purpose[context.purpose]} · ${words.priority(ticket.priority)}`,
    lines,
    `${base}/tickets/${ticket.id}`,
  );
}

function bracket(text: string, language: MessageLanguage): string {
  return language === 'zh' ? `【${text}】` : `[${text}] `;
}

function deadlineLine(ticket: TicketFacts, words: MessageCatalogue, timeZone: string, language: MessageLanguage): string[] {
  const status = words.status[ticket.status];
  const withStatus = (label: string, at: number) => (language === 'zh' ? `${label}${words.colon}${localTime(at, timeZone)}（${status}）` : `${label}${words.colon}${localTime(at, timeZone)} (${status})`);
  if (ticket.status === 'closed') return [];
  // A follow-up is due once the ticket is resolved, or once its alert cleared before anyone acted.
  if (ticket.followUpDueAt !== null && ticket.followedUpAt === null) return [withStatus(words.label.followUpBy, ticket.followUpDueAt)];
  if (ticket.status === 'open' || ticket.status === 'assigned') return [withStatus(words.label.ackBy, ticket.ackDueAt)];
  // On hold, the on-site deadline is the new due time the supervisor approved.
  if (ticket.status === 'acknowledged' || ticket.status === 'on_hold') return [withStatus(words.label.onSiteBy, ticket.onSiteDueAt)];
  return [];
}

/** "1号楼 1-101", "2号楼 2号电梯", "网关 Building 1-6": the registry's names, never a resident's. */
export function placeWords(place: PlaceFacts, words: MessageCatalogue): string {
  const parts = [place.building, place.unit ?? place.asset].filter((part): part is string => part !== null);
  if (place.gateway !== null) parts.push(words.gateway(place.gateway));
  if (place.device !== null) parts.push(words.device(place.device));
  return parts.length ? parts.join(' ') : words.unknownPlace(place.subjectKind, place.subjectId);
}

function evidenceWords(evidence: Evidence): string {
  const text = Object.entries(evidence)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
  return text.length > MAX_EVIDENCE_CHARS ? `${text.slice(0, MAX_EVIDENCE_CHARS)}…` : text;
}

function ticketIdOf(details: Record<string, unknown>): string | null {
  return typeof details.ticket_id === 'string' ? details.ticket_id : null;
}
