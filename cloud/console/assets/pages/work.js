import { content, t, el } from '../core.js';
import { loadPlaces, byUrgency, workCard, showTimes } from '../tickets.js';
import { chime, soundSwitch } from '../alert-sound.js';

function workPage() {
  const tickets = new Map();
  const fresh = new Set();
  const state = el('p', { class: 'state', id: 'stream-state' }, t('work.reconnecting'));
  const list = el('ul', { class: 'list', id: 'work-list' });
  const empty = el('p', { class: 'empty', id: 'work-empty' }, t('work.empty'));
  content.append(el('div', { class: 'work-head' }, state, soundSwitch()), list, empty);

  const render = () => {
    list.replaceChildren(...[...tickets.values()].sort(byUrgency).map((ticket) => workCard(ticket, fresh.has(ticket.id))));
    empty.hidden = tickets.size > 0;
    tick();
  };
  const tick = () => showTimes(list, tickets);
  setInterval(tick, 1000);

  /** A ticket new to the list: marked, a chime where sound is on, and the phone buzzes where it can (Vibration API). */
  const announce = (ids) => {
    if (ids.length === 0) return;
    for (const id of ids) fresh.add(id);
    chime();
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

workPage();
