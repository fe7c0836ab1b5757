// A ticket as the work lists show it: its deadline, place, urgency and card.
import { data, t, el, api, duration } from './core.js';

/** The deadline a ticket is racing now: acceptance until accepted, then arrival. */
export function nextDeadline(ticket) {
  if (!ticket.acknowledged_at) return { what: 'due.ack', at: ticket.ack_due_at };
  if (!ticket.on_site_at) return { what: 'due.on_site', at: ticket.on_site_due_at };
  return null;
}

export function deadlineText(ticket) {
  const deadline = nextDeadline(ticket);
  if (!deadline) return '';
  const left = Date.parse(deadline.at) - Date.now();
  return left >= 0 ? t('work.due_in', { what: t(deadline.what), time: duration(left) }) : t('work.overdue', { what: t(deadline.what), time: duration(-left) });
}

/** Where a ticket is, by the estate's own names for its units and assets (fetched once per estate). */
export const placeNames = new Map();
export async function loadPlaces(estateId) {
  if (placeNames.has(estateId)) return placeNames.get(estateId);
  const names = new Map();
  placeNames.set(estateId, names);
  const [units, assets] = await Promise.all([
    api('GET', `/api/v1/estates/${encodeURIComponent(estateId)}/units`).catch(() => ({ units: [] })),
    api('GET', `/api/v1/estates/${encodeURIComponent(estateId)}/assets`).catch(() => ({ assets: [] })),
  ]);
  for (const unit of units.units || []) names.set(`unit:${unit.id}`, unit.label);
  for (const asset of assets.assets || []) names.set(`asset:${asset.id}`, asset.name);
  return names;
}

export function placeOf(ticket) {
  const names = placeNames.get(ticket.estate_id);
  return (names && names.get(`${ticket.subject.kind}:${ticket.subject.id}`)) || ticket.subject.id;
}

export const PRIORITY_ORDER = { P1: 0, P2: 1, P3: 2 };

/** Most urgent first: priority, then the nearest deadline, then the newest. */
export function byUrgency(a, b) {
  const deadline = (ticket) => Date.parse((nextDeadline(ticket) || { at: '9999-12-31T00:00:00Z' }).at);
  return PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || deadline(a) - deadline(b) || Date.parse(b.opened_at) - Date.parse(a.opened_at);
}

export function workCard(ticket, isNew) {
  return el(
    'li',
    { class: `card ticket ${ticket.priority}${isNew ? ' new' : ''}`, 'data-ticket-id': ticket.id },
    el(
      'a',
      { href: `/tickets/${ticket.id}` },
      el('span', { class: 'badge' }, ticket.priority),
      el('strong', { class: 'category' }, t(`category.${ticket.type}`)),
      isNew ? el('span', { class: 'badge new' }, t('work.new')) : null,
      el('span', { class: 'place' }, placeOf(ticket)),
      el('span', { class: 'reason' }, ticket.reason[data.language]),
      el('span', { class: 'times' }, el('span', { 'data-since': ticket.opened_at }), ' · ', el('span', { class: 'due', 'data-due-of': ticket.id })),
    ),
  );
}

/** Fills the cards' "opened … ago" and deadline texts under root from the tickets by id. */
export function showTimes(root, tickets) {
  for (const node of root.querySelectorAll('[data-since]')) node.textContent = t('work.opened_ago', { time: duration(Date.now() - Date.parse(node.dataset.since)) });
  for (const node of root.querySelectorAll('[data-due-of]')) {
    const ticket = tickets.get(node.dataset.dueOf);
    node.textContent = deadlineText(ticket);
    node.classList.toggle('overdue', isOverdue(ticket));
  }
}

/** Past its acceptance deadline without acceptance, or its arrival deadline without arrival. */
export function isOverdue(ticket) {
  const deadline = nextDeadline(ticket);
  return Boolean(deadline) && Date.parse(deadline.at) < Date.now();
}

/** Statuses of a ticket still being worked (resolved, followed up and closed are done). */
export const OPEN_STATUSES = ['open', 'assigned', 'acknowledged', 'on_site', 'on_hold'];

/** The API's largest page of tickets (cloud/tickets/ticket-repository.ts MAX_LIST_LIMIT). */
export const TICKET_PAGE = 500;
