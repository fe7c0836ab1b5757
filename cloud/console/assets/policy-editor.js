// The estate's dispatch policy as a manager edits it: each category's time limits (SLA) and its
// escalation chains, shown as they are in force, saved as only what differs from the defaults
// (PUT /estates/{id}/dispatch-policy, If-Match of the version shown).
import { t, el, api, showError } from './core.js';

/** The order a manager thinks of them in: the urgent first. */
const CATEGORIES = ['lift_entrapment', 'care_visit', 'water_leak', 'lift_fault', 'device_offline'];
const CHAINS = ['ack', 'on_site', 'follow_up'];
const AUDIENCES = ['assignee', 'supervisor', 'estate_manager', 'emergency_contact'];

/** A number input: blank reads as null where `blankMeans` allows it. */
function numberInput(name, value, { min = 0, max, blank = false } = {}) {
  return el('input', { type: 'number', name, min, max, step: 1, inputmode: 'numeric', required: !blank, value: value === null ? '' : value });
}
const readNumber = (input) => (input.value.trim() === '' ? null : Number(input.value));

/** One chain's steps as editable rows, with a button to add a step; read() gives the steps. */
function chainEditor(category, chain, steps) {
  const rows = el('tbody', {});
  const audiences = AUDIENCES.filter((audience) => audience !== 'emergency_contact' || category === 'care_visit');
  const addRow = (step) => {
    const notify = el('select', { name: 'notify' }, audiences.map((audience) => el('option', { value: audience, selected: audience === step.notify }, t(`audience.${audience}`))));
    const after = numberInput('after_minutes', step.after_minutes, { max: 7 * 24 * 60 });
    const renotify = numberInput('renotify_every_minutes', step.renotify_every_minutes, { min: 1, max: 24 * 60, blank: true });
    const row = el(
      'tr',
      {},
      el('td', {}, notify),
      el('td', {}, after),
      el('td', {}, renotify),
      el('td', {}, el('button', { type: 'button', class: 'link', 'aria-label': t('policy.remove_step'), onclick: () => row.remove() }, '✕')),
    );
    row.read = () => ({ notify: notify.value, after_minutes: readNumber(after), renotify_every_minutes: readNumber(renotify) });
    rows.append(row);
  };
  steps.forEach(addRow);
  const heading = ['policy.notify', 'policy.after_minutes', 'policy.renotify_minutes', null].map((key) => el('th', { scope: 'col' }, key ? t(key) : ''));
  return {
    node: el(
      'div',
      { class: 'chain', 'data-chain': chain },
      el('h4', {}, t(`escalations.chain.${chain}`)),
      el('table', { class: 'steps' }, el('thead', {}, el('tr', {}, heading)), rows),
      el('button', { type: 'button', class: 'link', 'data-action': 'add-step', onclick: () => addRow({ notify: 'supervisor', after_minutes: 0, renotify_every_minutes: null }) }, t('policy.add_step')),
    ),
    read: () => [...rows.children].map((row) => row.read()),
  };
}

/** One category's terms; read() gives what differs from its defaults (undefined when nothing does). */
function categoryEditor(category, terms, defaults) {
  const ack = numberInput('ack_within_minutes', terms.ack_within_minutes, { min: 1, max: 7 * 24 * 60 });
  const onSite = numberInput('on_site_within_minutes', terms.on_site_within_minutes, { min: 1, max: 14 * 24 * 60 });
  const followUp = numberInput('follow_up_within_hours', terms.follow_up_within_hours, { min: 1, max: 14 * 24, blank: true });
  const pool = terms.may_pool ? numberInput('pool_minutes', terms.pool_minutes, { min: 1, max: 24 * 60, blank: true }) : null;
  const chains = CHAINS.map((chain) => chainEditor(category, chain, terms.escalation[chain]));
  const read = () => {
    const changes = {};
    const put = (name, value) => {
      if (value !== defaults[name]) changes[name] = value;
    };
    put('ack_within_minutes', readNumber(ack));
    put('on_site_within_minutes', readNumber(onSite));
    put('follow_up_within_hours', readNumber(followUp));
    if (pool) put('pool_minutes', readNumber(pool));
    const escalation = {};
    CHAINS.forEach((chain, i) => {
      const steps = chains[i].read();
      if (JSON.stringify(steps) !== JSON.stringify(defaults.escalation[chain])) escalation[chain] = steps;
    });
    if (Object.keys(escalation).length) changes.escalation = escalation;
    return Object.keys(changes).length ? changes : undefined;
  };
  return {
    node: el(
      'fieldset',
      { class: 'policy-category', 'data-category': category },
      el('legend', {}, el('span', { class: 'badge' }, terms.priority), t(`category.${category}`)),
      el('label', {}, t('policy.ack_within'), ack),
      el('label', {}, t('policy.on_site_within'), onSite),
      el('label', {}, t('policy.follow_up_within'), followUp),
      pool ? el('label', {}, t('policy.pool'), pool) : null,
      el('details', {}, el('summary', {}, t('policy.escalation')), chains.map((chain) => chain.node)),
    ),
    read,
  };
}

/** The editor of one estate's policy; it reloads itself after a save or after someone else's change. */
export async function policyEditor(estate) {
  const url = `/api/v1/estates/${encodeURIComponent(estate.id)}/dispatch-policy`;
  const section = el('section', { class: 'card', id: `policy-${estate.id}`, 'data-estate': estate.id });
  const notice = el('p', { class: 'done', role: 'status' });
  const load = async () => {
    const policy = await api('GET', url);
    const editors = CATEGORIES.filter((category) => policy.effective[category]).map((category) => categoryEditor(category, policy.effective[category], policy.defaults[category]));
    const save = async (event) => {
      event.preventDefault();
      notice.textContent = '';
      const changes = Object.fromEntries(CATEGORIES.map((category, i) => [category, editors[i] && editors[i].read()]).filter(([, change]) => change));
      try {
        await api('PUT', url, changes, { 'if-match': `"${policy.version}"` });
        await load();
        notice.textContent = t('policy.saved');
      } catch (error) {
        if (error.status !== 409) return showError(error);
        await load();
        notice.textContent = t('policy.changed');
      }
    };
    section.replaceChildren(
      el('h2', {}, t('policy.title'), ' · ', estate.name),
      notice,
      el('p', { class: 'hint' }, t('policy.note', { version: policy.version })),
      el('form', { class: 'policy', onsubmit: save, 'data-version': policy.version }, editors.map((editor) => editor.node), el('button', { type: 'submit', class: 'primary' }, t('policy.save'))),
    );
  };
  await load();
  return section;
}
