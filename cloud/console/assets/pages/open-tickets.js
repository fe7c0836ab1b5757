import { content, t, el, api, localTime, showError, estatesWith } from '../core.js';
import { loadPlaces, placeOf, byUrgency, workCard, showTimes, isOverdue, OPEN_STATUSES, TICKET_PAGE } from '../tickets.js';

/**
 * Escalations (升级) still running: what the chain waits for, the step reached and who was told.
 * A follow-up chain's ticket is resolved, so not among the open ones: it is read on its own.
 */
async function escalationList(estate, openById) {
  const { escalations } = await api('GET', `/api/v1/estates/${encodeURIComponent(estate.id)}/escalations`);
  if (escalations.length === 0) return null;
  const missing = [...new Set(escalations.map((escalation) => escalation.ticket_id).filter((id) => !openById.has(id)))];
  const others = await Promise.all(missing.map((id) => api('GET', `/api/v1/tickets/${id}`).then((view) => view.ticket, () => null)));
  const tickets = new Map([...openById, ...others.filter(Boolean).map((ticket) => [ticket.id, ticket])]);
  return el(
    'section',
    {},
    el('h3', {}, t('escalations.title')),
    el(
      'ul',
      { class: 'list escalations', id: `escalations-${estate.id}` },
      escalations.map((escalation) => {
        const ticket = tickets.get(escalation.ticket_id);
        const told = escalation.recipients.length ? escalation.recipients.map((recipient) => recipient.display_name).join('、') : t(`audience.${escalation.audience}`);
        return el(
          'li',
          { class: 'card escalation', 'data-ticket-id': escalation.ticket_id, 'data-chain': escalation.chain },
          el(
            'a',
            { href: `/tickets/${escalation.ticket_id}` },
            ticket ? el('span', { class: 'badge' }, ticket.priority) : null,
            el('strong', { class: 'category' }, ticket ? t(`category.${ticket.type}`) : escalation.ticket_id.slice(0, 8)),
            ticket ? el('span', { class: 'place' }, placeOf(ticket)) : null,
            el('span', { class: 'reason' }, t(`escalations.chain.${escalation.chain}`), ' · ', t('escalations.step', { step: escalation.step, audience: t(`audience.${escalation.audience}`) })),
            el('span', { class: 'times' }, t('escalations.told', { who: told, time: localTime(escalation.at, estate.id) })),
          ),
        );
      }),
    ),
  );
}

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
        await escalationList(estate, byId),
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
