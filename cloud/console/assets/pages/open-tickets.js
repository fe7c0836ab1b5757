import { content, t, el, api, showError, estatesWith } from '../core.js';
import { loadPlaces, byUrgency, workCard, showTimes, isOverdue, OPEN_STATUSES, TICKET_PAGE } from '../tickets.js';

async function openTicketsPage() {
  for (const estate of estatesWith(['supervisor', 'estate_manager'])) {
    try {
      const [{ tickets: open }] = await Promise.all([
        api('GET', `/api/v1/tickets?estate_id=${encodeURIComponent(estate.id)}&status=${OPEN_STATUSES.join(',')}&limit=${TICKET_PAGE}`),
        loadPlaces(estate.id),
      ]);
      const byId = new Map(open.map((ticket) => [ticket.id, ticket]));
      const overdue = open.filter(isOverdue).sort(byUrgency);
      const inTime = open.filter((ticket) => !isOverdue(ticket)).sort(byUrgency);
      const group = (id, title, tickets) =>
        tickets.length ? el('section', {}, el('h3', {}, title), el('ul', { class: 'list', id }, tickets.map((ticket) => workCard(ticket, false)))) : null;
      const section = el(
        'section',
        { class: 'card', 'data-estate': estate.id },
        el('h2', {}, estate.name),
        el('p', { class: 'summary', id: `summary-${estate.id}` }, t('open_tickets.summary', { open: open.length, overdue: overdue.length })),
        open.length === 0 ? el('p', { class: 'empty' }, t('open_tickets.none')) : null,
        group(`overdue-${estate.id}`, t('open_tickets.overdue'), overdue),
        group(`in-time-${estate.id}`, t('open_tickets.in_time'), inTime),
      );
      content.append(section);
      showTimes(section, byId);
      setInterval(() => showTimes(section, byId), 1000);
    } catch (error) {
      showError(error);
    }
  }
}

openTicketsPage();
