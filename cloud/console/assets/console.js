// The console's one script: fills the page the server rendered from the JSON API (same origin,
// session cookie) and keeps "my work" live over server-sent events. No library, no build step.
'use strict';

const data = JSON.parse(document.getElementById('page-data').textContent);
const content = document.getElementById('content');

/** One text of the page's language with its {name} slots filled. */
function t(key, values) {
  const text = data.messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (slot, name) => (values && name in values ? String(values[name]) : slot));
}

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
  }
}

/** A call to the API; a session that has ended sends the reader to sign in. */
async function api(method, path, body, headers) {
  const response = await fetch(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && data.page !== 'sign-in') location.assign('/sign-in');
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

function estateOf(estateId) {
  return (data.me && data.me.estates.find((estate) => estate.id === estateId)) || { id: estateId, name: estateId, time_zone: 'Asia/Shanghai' };
}

/** A time as the estate's clock shows it. */
function localTime(iso, estateId) {
  return new Intl.DateTimeFormat(data.language === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: estateOf(estateId).time_zone,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

function duration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return t('unit.seconds', { n: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('unit.minutes', { n: minutes });
  return t('unit.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** The deadline a ticket is racing now: acceptance until accepted, then arrival. */
function nextDeadline(ticket) {
  if (!ticket.acknowledged_at) return { what: 'due.ack', at: ticket.ack_due_at };
  if (!ticket.on_site_at) return { what: 'due.on_site', at: ticket.on_site_due_at };
  return null;
}

function deadlineText(ticket) {
  const deadline = nextDeadline(ticket);
  if (!deadline) return '';
  const left = Date.parse(deadline.at) - Date.now();
  return left >= 0 ? t('work.due_in', { what: t(deadline.what), time: duration(left) }) : t('work.overdue', { what: t(deadline.what), time: duration(-left) });
}

/** Where a ticket is, by the estate's own names for its units and assets (fetched once per estate). */
const placeNames = new Map();
async function loadPlaces(estateId) {
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
function placeOf(ticket) {
  const names = placeNames.get(ticket.estate_id);
  return (names && names.get(`${ticket.subject.kind}:${ticket.subject.id}`)) || ticket.subject.id;
}

function showError(error) {
  const note = el('p', { class: 'error', role: 'alert' }, t('error.generic', { message: error.message }));
  content.prepend(note);
  setTimeout(() => note.remove(), 8000);
}

// ---- sign in and out ----

function signInPage() {
  const form = document.getElementById('sign-in-form');
  const failure = document.getElementById('sign-in-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    failure.hidden = true;
    try {
      await api('POST', '/api/v1/session', { login: form.login.value, password: form.password.value });
      location.assign('/work');
    } catch (error) {
      failure.textContent = t(error.status === 429 ? 'sign_in.busy' : 'sign_in.failed');
      failure.hidden = false;
    }
  });
}

const signOut = document.getElementById('sign-out');
if (signOut) {
  signOut.addEventListener('click', async () => {
    await api('DELETE', '/api/v1/session').catch(() => null);
    location.assign('/sign-in');
  });
}

// ---- my work ----

const PRIORITY_ORDER = { P1: 0, P2: 1, P3: 2 };

/** Most urgent first: priority, then the nearest deadline, then the newest. */
function byUrgency(a, b) {
  const deadline = (ticket) => Date.parse((nextDeadline(ticket) || { at: '9999-12-31T00:00:00Z' }).at);
  return PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || deadline(a) - deadline(b) || Date.parse(b.opened_at) - Date.parse(a.opened_at);
}

function workCard(ticket, isNew) {
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
function showTimes(root, tickets) {
  for (const node of root.querySelectorAll('[data-since]')) node.textContent = t('work.opened_ago', { time: duration(Date.now() - Date.parse(node.dataset.since)) });
  for (const node of root.querySelectorAll('[data-due-of]')) {
    const ticket = tickets.get(node.dataset.dueOf);
    node.textContent = deadlineText(ticket);
    node.classList.toggle('overdue', isOverdue(ticket));
  }
}

/** Past its acceptance deadline without acceptance, or its arrival deadline without arrival. */
function isOverdue(ticket) {
  const deadline = nextDeadline(ticket);
  return Boolean(deadline) && Date.parse(deadline.at) < Date.now();
}

function workPage() {
  const tickets = new Map();
  const fresh = new Set();
  const state = el('p', { class: 'state', id: 'stream-state' }, t('work.reconnecting'));
  const list = el('ul', { class: 'list', id: 'work-list' });
  const empty = el('p', { class: 'empty', id: 'work-empty' }, t('work.empty'));
  content.append(state, list, empty);

  const render = () => {
    list.replaceChildren(...[...tickets.values()].sort(byUrgency).map((ticket) => workCard(ticket, fresh.has(ticket.id))));
    empty.hidden = tickets.size > 0;
    tick();
  };
  const tick = () => showTimes(list, tickets);
  setInterval(tick, 1000);

  /** A ticket new to the list: marked, and the phone buzzes where it can (Vibration API). */
  const announce = (ids) => {
    if (ids.length === 0) return;
    for (const id of ids) fresh.add(id);
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  };

  const placesOf = (list) => Promise.all([...new Set(list.map((ticket) => ticket.estate_id))].map(loadPlaces)).then(render);

  // EventSource reconnects by itself after a drop, sending the last event id it saw (Last-Event-ID).
  const stream = new EventSource('/console/work-stream');
  stream.addEventListener('open', () => (state.textContent = t('work.live')));
  stream.addEventListener('error', () => (state.textContent = t('work.reconnecting')));
  stream.addEventListener('snapshot', (event) => {
    const { tickets: now, resumed_from: resumedFrom } = JSON.parse(event.data);
    const known = new Set(tickets.keys());
    const firstLoad = known.size === 0 && resumedFrom === null;
    tickets.clear();
    for (const ticket of now) tickets.set(ticket.id, ticket);
    if (!firstLoad) {
      announce(now.filter((ticket) => !known.has(ticket.id) || (resumedFrom !== null && Date.parse(ticket.updated_at) > resumedFrom)).map((ticket) => ticket.id));
    }
    state.textContent = t('work.live');
    document.body.dataset.stream = 'live';
    render();
    placesOf(now);
  });
  stream.addEventListener('ticket', (event) => {
    const ticket = JSON.parse(event.data);
    if (!tickets.has(ticket.id)) announce([ticket.id]);
    tickets.set(ticket.id, ticket);
    render();
    placesOf([ticket]);
  });
  stream.addEventListener('gone', (event) => {
    tickets.delete(JSON.parse(event.data).id);
    render();
  });
}

// ---- one ticket ----

/** The actions each status offers, in the order shown. */
const ACTIONS_BY_STATUS = {
  open: ['ack', 'false-alarm'],
  assigned: ['ack', 'hand-back', 'false-alarm'],
  acknowledged: ['on-site', 'hand-back', 'false-alarm'],
  on_site: ['resolve', 'false-alarm'],
  on_hold: ['on-site', 'resolve', 'false-alarm'],
};
const ACTION_LABELS = { ack: 'ticket.accept', 'on-site': 'ticket.arrive', resolve: 'ticket.resolve', 'false-alarm': 'ticket.false_alarm', 'hand-back': 'ticket.hand_back' };

function field(label, value) {
  return el('div', { class: 'field' }, el('dt', {}, label), el('dd', {}, value));
}

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

// ---- supervisor, fleet, settings ----

function estatesWith(roles) {
  return ((data.me && data.me.estates) || []).filter((estate) => estate.roles.some((role) => roles.includes(role)));
}

/** A horizontal bar per period: the share as its length, the figures as its words. */
function shareChart(title, points) {
  return el(
    'figure',
    { class: 'chart' },
    el('figcaption', {}, title),
    points.map(({ label, share }) =>
      el(
        'div',
        { class: 'bar-row' },
        el('span', { class: 'bar-label' }, label),
        el('span', { class: 'bar' }, el('meter', { min: 0, max: 1, value: share.rate ?? 0 })),
        el('span', { class: 'bar-value' }, share.rate === null ? '–' : `${Math.round(share.rate * 100)}% (${share.count}/${share.of})`),
      ),
    ),
  );
}

async function kpisPage() {
  for (const estate of estatesWith(['supervisor', 'estate_manager'])) {
    // The last seven days of the estate's calendar ('en-CA' formats a date as YYYY-MM-DD).
    const day = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: estate.time_zone }).format(new Date(ms));
    const to = day(Date.now());
    const from = day(Date.now() - 6 * 86400000);
    try {
      const report = await api('GET', `/api/v1/estates/${encodeURIComponent(estate.id)}/kpis?from=${from}&to=${to}&bucket=day`);
      const points = (pick) => report.buckets.map((bucket) => ({ label: bucket.start.slice(5), share: pick(bucket.figures) }));
      content.append(
        el(
          'section',
          { class: 'card', 'data-estate': estate.id },
          el('h2', {}, estate.name),
          el('p', { class: 'kpi-total', id: `opened-${estate.id}` }, `${report.totals.opened}`),
          shareChart(t('kpis.ack_in_time'), points((f) => f.acknowledged_in_time)),
          shareChart(t('kpis.on_site_in_time'), points((f) => f.on_site_in_time)),
          shareChart(t('kpis.closure_rate'), points((f) => f.closure)),
          shareChart(t('kpis.false_alarm_rate'), report.false_alarms_by_rule.map((row) => ({ label: row.rule, share: row.false_alarms }))),
        ),
      );
    } catch (error) {
      showError(error);
    }
  }
}

/** How often the fleet page asks again: a gateway's status changes on the broker, not through this page. */
const FLEET_REFRESH_MS = 5000;

function gatewayCard(gateway) {
  const uplink = gateway.uplink === 'online' ? t('fleet.online') : gateway.uplink === 'offline' ? t('fleet.offline') : t('fleet.never');
  return el(
    'li',
    { class: `card gateway ${gateway.uplink}`, 'data-gateway-id': gateway.id, 'data-uplink': gateway.uplink },
    el('strong', {}, gateway.name),
    ' ',
    el('span', { class: 'uplink' }, uplink),
    gateway.uplink === 'offline' && gateway.offline_reason ? el('span', { class: 'reason' }, t(`fleet.reason.${gateway.offline_reason}`)) : null,
    el('span', { class: 'times' }, gateway.last_seen_at ? `${t('fleet.last_seen')} ${localTime(gateway.last_seen_at, gateway.estate_id)}` : ''),
  );
}

async function fleetPage() {
  const list = el('ul', { class: 'list', id: 'fleet' });
  content.append(list);
  const refresh = async () => {
    try {
      const { gateways } = await api('GET', '/api/v1/gateways');
      list.replaceChildren(...gateways.map(gatewayCard));
      document.body.dataset.loaded = String(Date.now());
    } catch (error) {
      showError(error);
    }
  };
  await refresh();
  setInterval(refresh, FLEET_REFRESH_MS);
}

/** The newest deliveries of an estate's notifications, each with its channel, status and last error. */
function deliveryLog(deliveries, estateId) {
  if (deliveries.length === 0) return el('p', { class: 'empty' }, t('settings.no_deliveries'));
  return el(
    'ol',
    { class: 'list deliveries' },
    deliveries.map((delivery) =>
      el(
        'li',
        { class: `delivery ${delivery.status}`, 'data-delivery-id': delivery.id, 'data-status': delivery.status },
        el('time', {}, localTime(delivery.queued_at, estateId)),
        ' ',
        el('strong', { class: 'purpose' }, t(`purpose.${delivery.purpose}`)),
        ' ',
        el('span', { class: 'channel' }, delivery.channel_name || delivery.channel_kind),
        ' ',
        el('span', { class: 'status' }, t(`delivery.${delivery.status}`)),
        ' ',
        el('span', { class: 'attempts' }, t('settings.attempts', { n: delivery.attempts })),
        delivery.last_error ? el('span', { class: 'error' }, delivery.last_error) : null,
      ),
    ),
  );
}

async function settingsPage() {
  for (const estate of estatesWith(['admin'])) {
    const base = `/api/v1/estates/${encodeURIComponent(estate.id)}`;
    const log = el('section', { class: 'card', id: `deliveries-${estate.id}` });
    const loadLog = async () => {
      try {
        const { deliveries } = await api('GET', `${base}/notifications/deliveries?limit=20`);
        log.replaceChildren(el('h2', {}, t('settings.deliveries')), deliveryLog(deliveries, estate.id));
      } catch (error) {
        showError(error);
      }
    };
    try {
      const { channels } = await api('GET', `${base}/notification-channels`);
      content.append(
        el(
          'section',
          { class: 'card', 'data-estate': estate.id },
          el('h2', {}, estate.name),
          channels.length === 0
            ? el('p', {}, t('settings.none'))
            : el(
                'ul',
                { class: 'list' },
                channels.map((channel) => {
                  const result = el('span', { class: 'result', role: 'status' });
                  return el(
                    'li',
                    { 'data-channel-id': channel.id },
                    el('strong', {}, channel.name),
                    ` ${channel.kind} `,
                    el('button', {
                      type: 'button',
                      'data-action': 'test',
                      onclick: async () => {
                        result.textContent = '';
                        try {
                          const answer = await api('POST', `${base}/notification-channels/${channel.id}/test`);
                          result.textContent = answer.classification === 'ok' ? t('settings.test_sent') : t('error.generic', { message: answer.error || answer.classification });
                          result.dataset.classification = answer.classification;
                        } catch (error) {
                          result.textContent = t('error.generic', { message: error.message });
                        }
                        await loadLog();
                      },
                    }, t('settings.send_test')),
                    ' ',
                    result,
                  );
                }),
              ),
        ),
        log,
      );
      await loadLog();
    } catch (error) {
      showError(error);
    }
  }
}

// ---- supervision: open tickets and the duty roster ----

/** Statuses of a ticket still being worked (resolved, followed up and closed are done). */
const OPEN_STATUSES = ['open', 'assigned', 'acknowledged', 'on_site', 'on_hold'];
/** The API's largest page of tickets (cloud/tickets/ticket-repository.ts MAX_LIST_LIMIT). */
const TICKET_PAGE = 500;

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

/** ISO weekday 1 (Monday) ... 7 (Sunday) in the page's language; 1 January 2024 was a Monday. */
function weekdayName(isoDay) {
  return new Intl.DateTimeFormat(data.language === 'zh' ? 'zh-CN' : 'en-GB', { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, isoDay)));
}

function shiftRow(shift) {
  const hours = shift.starts_at === shift.ends_at ? t('roster.all_day') : `${shift.starts_at}–${shift.ends_at}`;
  return el(
    'tr',
    { 'data-shift-id': shift.id, 'data-staff-id': shift.staff_id },
    el('td', { class: 'role' }, t(`role.${shift.role}`)),
    el('td', { class: 'days' }, weekdaysText(shift.weekdays)),
    el('td', { class: 'hours' }, hours),
    el('td', { class: 'buildings' }, shift.building_ids ? shift.building_ids.join(', ') : t('roster.all_buildings')),
    el('td', { class: 'staff' }, shift.staff_id),
  );
}

async function rosterPage() {
  for (const estate of estatesWith(['supervisor', 'estate_manager', 'admin'])) {
    try {
      const { shifts } = await api('GET', `/api/v1/estates/${encodeURIComponent(estate.id)}/duty-shifts`);
      const heading = ['roster.role', 'roster.days', 'roster.hours', 'roster.buildings', 'roster.staff'].map((key) => el('th', { scope: 'col' }, t(key)));
      content.append(
        el(
          'section',
          { class: 'card', 'data-estate': estate.id },
          el('h2', {}, estate.name),
          shifts.length === 0
            ? el('p', { class: 'empty' }, t('roster.none'))
            : el('div', { class: 'scroll' }, el('table', { class: 'roster', id: `roster-${estate.id}` }, el('thead', {}, el('tr', {}, heading)), el('tbody', {}, shifts.map(shiftRow)))),
        ),
      );
    } catch (error) {
      showError(error);
    }
  }
}

// ---- households in care ----

/** Households' reads name their purpose; it is written to the audit log with every read. */
const SUPERVISION = 'purpose=supervision';

async function householdsPage() {
  for (const estate of estatesWith(['supervisor', 'estate_manager'])) {
    try {
      const { households } = await api('GET', `/api/v1/estates/${encodeURIComponent(estate.id)}/households?${SUPERVISION}`);
      content.append(
        el(
          'section',
          { class: 'card', 'data-estate': estate.id },
          el('h2', {}, estate.name),
          households.length === 0
            ? el('p', { class: 'empty' }, t('households.none'))
            : el(
                'ul',
                { class: 'list households', id: `households-${estate.id}` },
                households.map((household) =>
                  el(
                    'li',
                    { 'data-unit-id': household.unit_id },
                    el('a', { href: `/households/${encodeURIComponent(estate.id)}/${encodeURIComponent(household.unit_id)}` }, household.label),
                    ' ',
                    el('span', { class: `enrolled ${household.enrolled ? 'yes' : 'no'}` }, t(household.enrolled ? 'households.enrolled' : 'households.not_enrolled')),
                  ),
                ),
              ),
        ),
      );
    } catch (error) {
      showError(error);
    }
  }
}

/** Milliseconds the zone's clock is ahead of UTC at the instant (from the zone's own reading of it). */
function zoneOffsetMs(instantMs, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(instantMs))
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) - Math.floor(instantMs / 1000) * 1000;
}

/** A datetime-local value ("2026-12-10T09:00") read as the estate's wall clock, as an ISO instant. */
function estateTimeToIso(value, timeZone) {
  const asUtc = Date.parse(`${value}:00Z`);
  let instant = asUtc - zoneOffsetMs(asUtc, timeZone);
  // Once more at the instant found, for a value near a change of the zone's offset.
  instant = asUtc - zoneOffsetMs(instant, timeZone);
  return new Date(instant).toISOString();
}

function weekdaysText(weekdays) {
  return weekdays.length === 7 ? t('roster.every_day') : weekdays.map(weekdayName).join(' ');
}

async function householdPage() {
  const { estate_id: estateId, unit_id: unitId } = data.household;
  const base = `/api/v1/estates/${encodeURIComponent(estateId)}/households/${encodeURIComponent(unitId)}`;
  const estate = estateOf(estateId);
  const notice = el('p', { class: 'done', role: 'status', id: 'household-notice' });

  const render = (record) => {
    const from = el('input', { type: 'datetime-local', name: 'from', required: true });
    const to = el('input', { type: 'datetime-local', name: 'to', required: true });
    const reason = el('select', { name: 'reason' }, ['travel', 'hospital', 'other'].map((code) => el('option', { value: code }, t(`away.${code}`))));
    const addAway = async (event) => {
      event.preventDefault();
      notice.textContent = '';
      try {
        await api('POST', `${base}/away-periods`, { from: estateTimeToIso(from.value, estate.time_zone), to: estateTimeToIso(to.value, estate.time_zone), reason: reason.value }, { 'if-match': `"${record.version}"` });
        notice.textContent = t('household.away_added');
      } catch (error) {
        if (error.status !== 409) return showError(error);
        notice.textContent = t('household.changed');
      }
      await load();
    };
    content.replaceChildren(
      notice,
      el('section', { class: 'card', 'data-version': record.version }, el('h2', { id: 'household-label' }, record.label), el('p', {}, t(record.consent && !record.consent.withdrawn_at ? 'households.enrolled' : 'households.not_enrolled'))),
      el(
        'section',
        { class: 'card' },
        el('h2', {}, t('household.carers')),
        record.carers.length === 0
          ? el('p', { class: 'empty' }, t('household.no_carers'))
          : el(
              'ul',
              { class: 'list', id: 'carers' },
              record.carers.map((carer) =>
                el('li', {}, el('strong', {}, carer.name), ` ${t(`household.${carer.kind}`)} `, el('span', { class: 'visits' }, carer.visits.map((visit) => `${weekdaysText(visit.weekdays)} ${visit.from}–${visit.to}`).join('; '))),
              ),
            ),
      ),
      el(
        'section',
        { class: 'card' },
        el('h2', {}, t('household.contacts')),
        record.contacts.length === 0
          ? el('p', { class: 'empty' }, t('household.no_contacts'))
          : el('ul', { class: 'list contacts', id: 'household-contacts' }, record.contacts.map((contact) => el('li', {}, `${contact.name} (${contact.relationship}) `, el('span', { class: 'phone' }, contact.phone_masked)))),
      ),
      el(
        'section',
        { class: 'card' },
        el('h2', {}, t('household.away')),
        record.away_periods.length === 0
          ? el('p', { class: 'empty' }, t('household.no_away'))
          : el(
              'ul',
              { class: 'list', id: 'away-periods' },
              record.away_periods.map((away) => el('li', { 'data-away-id': away.id }, `${localTime(away.from, estateId)} – ${localTime(away.to, estateId)} `, el('span', { class: 'reason' }, t(`away.${away.reason}`)))),
            ),
        el(
          'form',
          { id: 'add-away', onsubmit: addAway },
          el('h3', {}, t('household.add_away')),
          el('label', {}, t('household.away_from'), from),
          el('label', {}, t('household.away_to'), to),
          el('label', {}, t('household.away_reason'), reason),
          el('button', { type: 'submit', class: 'primary' }, t('household.add_away')),
        ),
      ),
      el('a', { href: '/households' }, t('household.back')),
    );
  };

  const load = async () => {
    try {
      render(await api('GET', `${base}?${SUPERVISION}`));
    } catch (error) {
      content.replaceChildren(el('p', { class: 'error', id: 'household-missing' }, t('household.not_found')), el('a', { href: '/households' }, t('household.back')));
    }
  };
  await load();
}

const PAGES = { 'sign-in': signInPage, work: workPage, ticket: ticketPage, kpis: kpisPage, fleet: fleetPage, settings: settingsPage, 'open-tickets': openTicketsPage, roster: rosterPage, households: householdsPage, household: householdPage };
PAGES[data.page]();
