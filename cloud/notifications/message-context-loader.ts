import type { AlertCategory, Evidence, SubjectKind } from '../../shared/contract/index.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, epochMsOrNull } from '../db/sql-values.js';
import type { TicketPriority, TicketStatus } from '../tickets/ticket.js';
import type { Mention } from './channels/channel.js';
import { DEFAULT_TIME_ZONE } from '../platform/local-calendar.js';
import type { MessageContext, TicketFacts } from './message-context.js';
import type { NotificationPurpose } from './notification-purpose.js';
import { placeOf } from './ticket-place.js';

interface NotificationRow {
  id: string;
  estate_id: string;
  ticket_id: string | null;
  purpose: NotificationPurpose;
  chain: string | null;
  step: number;
  recipient_staff_ids: string[];
  audience: string;
  details: Record<string, unknown>;
  estate_name: string;
  time_zone: string | null;
}

interface TicketRow {
  id: string;
  estate_id: string;
  type: AlertCategory;
  priority: TicketPriority;
  status: TicketStatus;
  reason_zh: string;
  reason_en: string;
  evidence: Evidence;
  raised_at: Date;
  ack_due_at: Date;
  on_site_due_at: Date;
  follow_up_due_at: Date | null;
  followed_up_at: Date | null;
  subject_kind: SubjectKind;
  subject_id: string;
}

const TICKET_COLUMNS = 'id, estate_id, type, priority, status, reason_zh, reason_en, evidence, raised_at, ack_due_at, on_site_due_at, follow_up_due_at, followed_up_at, subject_kind, subject_id';

/**
 * Reads what a delivery's message says, as it is now (so a message sent late or retried tells the
 * ticket's current state): the notification, its estate, the ticket and where its subject is, the
 * recipients' names and mention handles (disabled accounts left out), and for a grouped message the
 * tickets of its members still queued.
 */
export async function loadMessageContext(tx: SqlExecutor, deliveryId: string, notificationId: string, channelName: string | null): Promise<MessageContext> {
  const { rows } = await tx.query<NotificationRow>(
    `SELECT n.id, n.estate_id, n.ticket_id, n.purpose, n.chain, n.step, n.recipient_staff_ids, n.audience, n.details, e.name AS estate_name, e.time_zone
     FROM notifications n JOIN estates e ON e.id = n.estate_id WHERE n.id = $1`,
    [notificationId],
  );
  const row = rows[0];
  if (!row) throw new Error(`notification ${notificationId} is gone`);
  const ticket = row.ticket_id === null ? null : await ticketFacts(tx, `id = $1`, [row.ticket_id]).then((tickets) => tickets[0] ?? null);
  const group =
    row.purpose === 'devices_offline_grouped'
      ? {
          tickets: await ticketFacts(tx, `id IN (SELECT ticket_id FROM notifications WHERE grouped_into = $1 AND status = 'queued' AND ticket_id IS NOT NULL)`, [row.id]),
        }
      : null;
  return {
    deliveryId,
    notificationId: row.id,
    purpose: row.purpose,
    chain: row.chain,
    step: row.step,
    audience: row.audience,
    estateId: row.estate_id,
    estateName: row.estate_name,
    timeZone: row.time_zone ?? DEFAULT_TIME_ZONE,
    ticket,
    recipients: await mentionsOf(tx, row.recipient_staff_ids),
    details: row.details,
    group,
    channelName,
  };
}

async function ticketFacts(tx: SqlExecutor, condition: string, params: unknown[]): Promise<TicketFacts[]> {
  const { rows } = await tx.query<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE ${condition} ORDER BY raised_at, id`, params);
  const facts: TicketFacts[] = [];
  for (const ticket of rows) {
    facts.push({
      id: ticket.id,
      type: ticket.type,
      priority: ticket.priority,
      status: ticket.status,
      reasonZh: ticket.reason_zh,
      reasonEn: ticket.reason_en,
      evidence: ticket.evidence,
      raisedAt: epochMs(ticket.raised_at),
      ackDueAt: epochMs(ticket.ack_due_at),
      onSiteDueAt: epochMs(ticket.on_site_due_at),
      followUpDueAt: epochMsOrNull(ticket.follow_up_due_at),
      followedUpAt: epochMsOrNull(ticket.followed_up_at),
      place: await placeOf(tx, ticket.estate_id, ticket.subject_kind, ticket.subject_id),
    });
  }
  return facts;
}

/** The recipients in the order given, with their mention handles; unknown and disabled accounts are left out. */
export async function mentionsOf(tx: SqlExecutor, staffIds: readonly string[]): Promise<Mention[]> {
  if (staffIds.length === 0) return [];
  const { rows } = await tx.query<{ id: string; display_name: string; mobile: string | null; feishu_open_id: string | null }>(
    'SELECT id, display_name, mobile, feishu_open_id FROM staff WHERE id = ANY($1::text[]) AND disabled_at IS NULL',
    [staffIds],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return staffIds.flatMap((id) => {
    const row = byId.get(id);
    return row ? [{ staffId: row.id, displayName: row.display_name, mobile: row.mobile, feishuOpenId: row.feishu_open_id }] : [];
  });
}
