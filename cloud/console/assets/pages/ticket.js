import { data, content, t, el, api, localTime, showError, field } from '../core.js';
import { loadPlaces, placeOf } from '../tickets.js';
import { evidenceSection } from '../evidence-chart.js';

/** The actions each status offers, in the order shown. */
const ACTIONS_BY_STATUS = {
  open: ['ack', 'false-alarm'],
  assigned: ['ack', 'hand-back', 'false-alarm'],
  acknowledged: ['on-site', 'hand-back', 'false-alarm'],
  on_site: ['resolve', 'false-alarm'],
  on_hold: ['on-site', 'resolve', 'false-alarm'],
};

const ACTION_LABELS = { ack: 'ticket.accept', 'on-site': 'ticket.arrive', resolve: 'ticket.resolve', 'false-alarm': 'ticket.false_alarm', 'hand-back': 'ticket.hand_back' };

async function ticketPage() {
  const id = data.ticket_id;
  let view;
  try {
    view = await api('GET', `/api/v1/tickets/${id}`);
  } catch (error) {
    content.replaceChildren(el('p', { class: 'error', id: 'ticket-missing' }, t('ticket.not_found')), el('a', { href: '/work' }, t('ticket.back')));
    return;
  }
  const [categories] = await Promise.all([api('GET', '/api/v1/ticket-categories'), loadPlaces(view.ticket.estate_id)]);
  const outcomes = (categories.categories.find((category) => category.type === view.ticket.type) || { outcome_codes: [] }).outcome_codes.filter((code) => code !== 'false_alarm');
  const contacts = el('section', { class: 'card', id: 'contacts' });
  // Read once: the evidence of the episode does not change with the ticket's status.
  const evidence = evidenceSection(view.ticket);

  const act = async (path, body) => {
    try {
      await api('POST', `/api/v1/tickets/${id}/${path}`, body);
      view = await api('GET', `/api/v1/tickets/${id}`);
      render();
      const done = el('p', { class: 'done', role: 'status' }, t('ticket.done'));
      content.prepend(done);
      setTimeout(() => done.remove(), 4000);
    } catch (error) {
      showError(error);
    }
  };

  const actionButtons = (ticket) => {
    const actions = ACTIONS_BY_STATUS[ticket.status] || [];
    const row = el('div', { class: 'actions' });
    for (const action of actions) {
      if (action === 'resolve') {
        const outcome = el('select', { name: 'outcome', id: 'outcome' }, outcomes.map((code) => el('option', { value: code }, t(`outcome.${code}`))));
        const note = el('input', { name: 'note', id: 'note', maxlength: 2000 });
        row.append(
          el(
            'form',
            { class: 'resolve', onsubmit: (event) => (event.preventDefault(), act('resolve', { outcome_code: outcome.value, ...(note.value.trim() ? { note: note.value } : {}) })) },
            el('label', {}, t('ticket.outcome'), outcome),
            el('label', {}, t('ticket.note'), note),
            el('button', { type: 'submit', class: 'primary', 'data-action': 'resolve' }, t('ticket.resolve')),
          ),
        );
      } else if (action === 'hand-back') {
        const reason = el('input', { name: 'reason', required: true, maxlength: 500 });
        row.append(
          el(
            'form',
            { class: 'hand-back', onsubmit: (event) => (event.preventDefault(), act('hand-back', { reason: reason.value })) },
            el('label', {}, t('ticket.hand_back_reason'), reason),
            el('button', { type: 'submit', 'data-action': 'hand-back' }, t('ticket.hand_back')),
          ),
        );
      } else {
        const primary = action === 'ack' || action === 'on-site';
        row.append(el('button', { type: 'button', class: primary ? 'primary' : '', 'data-action': action, onclick: () => act(action, action === 'false-alarm' ? {} : undefined) }, t(ACTION_LABELS[action])));
      }
    }
    return row;
  };

  const render = () => {
    const { ticket, audit } = view;
    const evidence = Object.entries(ticket.evidence || {}).map(([name, value]) => field(name, String(value)));
    content.replaceChildren(
      el(
        'section',
        { class: `card ticket ${ticket.priority}`, 'data-status': ticket.status },
        el('p', {}, el('span', { class: 'badge' }, ticket.priority), el('strong', {}, t(`category.${ticket.type}`)), ' ', el('span', { class: 'status', id: 'ticket-status' }, t(`status.${ticket.status}`))),
        el(
          'dl',
          {},
          field(t('ticket.place'), placeOf(ticket)),
          field(t('ticket.reason'), ticket.reason[data.language]),
          field(t('ticket.opened_at'), localTime(ticket.opened_at, ticket.estate_id)),
          field(t('ticket.ack_due_at'), localTime(ticket.ack_due_at, ticket.estate_id)),
          field(t('ticket.on_site_due_at'), localTime(ticket.on_site_due_at, ticket.estate_id)),
        ),
        evidence.length ? el('details', { open: true }, el('summary', {}, t('ticket.evidence')), el('dl', {}, evidence)) : null,
        actionButtons(ticket),
      ),
      ticket.type === 'care_visit' ? contacts : '',
      evidence,
      el(
        'section',
        { class: 'card' },
        el('h2', {}, t('ticket.audit')),
        el('ol', { class: 'audit', id: 'audit' }, audit.map((entry) => el('li', {}, el('time', {}, localTime(entry.at, ticket.estate_id)), ' ', data.messages[`audit.${entry.action}`] || entry.action))),
      ),
    );
  };
  render();
  if (view.ticket.type === 'care_visit' && view.ticket.subject.kind === 'unit') renderContacts(contacts, view.ticket);
}

/** The household's emergency contacts, masked; each number shown only by its own audited read. */
async function renderContacts(section, ticket) {
  const base = `/api/v1/estates/${encodeURIComponent(ticket.estate_id)}/households/${encodeURIComponent(ticket.subject.id)}`;
  let household;
  try {
    household = await api('GET', `${base}?purpose=care_visit`);
  } catch {
    return;
  }
  const rows = household.contacts.map((contact) => {
    const phone = el('span', { class: 'phone' }, contact.phone_masked);
    const reveal = el('button', {
      type: 'button',
      'data-reveal': contact.id,
      onclick: async () => {
        try {
          const { phone: number } = await api('GET', `${base}/contacts/${contact.id}/phone?purpose=emergency`);
          phone.replaceChildren(el('a', { href: `tel:${number}` }, number));
          reveal.remove();
        } catch (error) {
          showError(error);
        }
      },
    }, t('ticket.reveal'));
    return el('li', {}, el('span', {}, `${contact.name} (${contact.relationship})`), ' ', phone, ' ', reveal);
  });
  section.replaceChildren(
    el('h2', {}, t('ticket.contacts')),
    rows.length ? el('ul', { class: 'contacts' }, rows) : el('p', {}, t('ticket.no_contacts')),
    el('p', { class: 'hint' }, t('ticket.reveal_note')),
  );
}

ticketPage();
