import { data, content, t, el, api, estateOf, localTime, showError, weekdaysText, weekdayName, estateTimeToIso, isoToEstateTime, SUPERVISION } from '../core.js';
import { consentFields } from '../consent-form.js';

/** The consent in force with its withdrawal, or, once withdrawn, a new consent to record. */
function consentSection(record, estate, change) {
  // The consent in force; once withdrawn, the latest one, to show when it ended.
  const consent = record.consent || record.consents.reduce((latest, next) => (!latest || next.recorded_at > latest.recorded_at ? next : latest), null);
  const inForce = Boolean(record.consent) && !record.consent.withdrawn_at;
  const facts = consent
    ? el(
        'dl',
        {},
        el('div', { class: 'field' }, el('dt', {}, t('consent.given_by')), el('dd', {}, consent.given_by)),
        el('div', { class: 'field' }, el('dt', {}, t('consent.given_at')), el('dd', {}, localTime(consent.given_at, record.estate_id))),
        el('div', { class: 'field' }, el('dt', {}, t('consent.scope')), el('dd', {}, consent.scope)),
        el('div', { class: 'field' }, el('dt', {}, t('consent.document_ref')), el('dd', {}, consent.document_ref)),
        consent.withdrawn_at ? el('div', { class: 'field' }, el('dt', {}, t('consent.withdrawn_at')), el('dd', { id: 'consent-withdrawn-at' }, localTime(consent.withdrawn_at, record.estate_id))) : null,
      )
    : null;
  if (inForce) {
    const withdrawnAt = el('input', { type: 'datetime-local', name: 'withdrawn_at', required: true, value: isoToEstateTime(Date.now(), estate.time_zone) });
    const note = el('input', { name: 'note', maxlength: 500 });
    const withdraw = (event) => {
      event.preventDefault();
      if (!confirm(t('consent.withdraw_confirm'))) return;
      return change('consent/withdrawal', { withdrawn_at: estateTimeToIso(withdrawnAt.value, estate.time_zone), ...(note.value.trim() ? { note: note.value } : {}) }, 'consent.withdrawn');
    };
    return el(
      'section',
      { class: 'card', id: 'consent' },
      el('h2', {}, t('consent.title')),
      facts,
      el('form', { id: 'withdraw-consent', onsubmit: withdraw }, el('h3', {}, t('consent.withdraw')), el('label', {}, t('consent.withdrawn_at'), withdrawnAt), el('label', {}, t('consent.withdrawal_note'), note), el('p', { class: 'hint' }, t('consent.withdraw_note')), el('button', { type: 'submit' }, t('consent.withdraw'))),
    );
  }
  const fields = consentFields(estate);
  const record_ = (event) => {
    event.preventDefault();
    return change('consent', fields.read(), 'consent.recorded');
  };
  return el('section', { class: 'card', id: 'consent' }, el('h2', {}, t('consent.title')), facts, el('form', { id: 'record-consent', onsubmit: record_ }, el('h3', {}, t('consent.record_new')), fields.nodes, el('button', { type: 'submit', class: 'primary' }, t('consent.record_new'))));
}

/** A new emergency contact: name, relationship, phone (kept whole, shown masked). */
function contactForm(submit) {
  const name = el('input', { name: 'name', required: true, maxlength: 100 });
  const relationship = el('input', { name: 'relationship', required: true, maxlength: 50 });
  const phone = el('input', { name: 'phone', type: 'tel', required: true, maxlength: 30, autocomplete: 'off' });
  return el(
    'form',
    { id: 'add-contact', onsubmit: (event) => (event.preventDefault(), submit({ name: name.value, relationship: relationship.value, phone: phone.value })) },
    el('h3', {}, t('household.add_contact')),
    el('label', {}, t('household.contact_name'), name),
    el('label', {}, t('household.relationship'), relationship),
    el('label', {}, t('household.phone'), phone),
    el('button', { type: 'submit' }, t('household.add_contact')),
  );
}

/** A carer or regular visitor with one visit window (weekdays, from, to in the estate's time). */
function carerForm(submit) {
  const name = el('input', { name: 'name', required: true, maxlength: 100 });
  const kind = el('select', { name: 'kind' }, ['carer', 'visitor'].map((code) => el('option', { value: code }, t(`household.${code}`))));
  const days = [1, 2, 3, 4, 5, 6, 7].map((day) => el('input', { type: 'checkbox', name: 'weekday', value: day }));
  const from = el('input', { type: 'time', name: 'from', required: true });
  const to = el('input', { type: 'time', name: 'to', required: true });
  const read = () => ({ name: name.value, kind: kind.value, visits: [{ weekdays: days.filter((day) => day.checked).map((day) => Number(day.value)), from: from.value, to: to.value }] });
  return el(
    'form',
    { id: 'add-carer', onsubmit: (event) => (event.preventDefault(), submit(read())) },
    el('h3', {}, t('household.add_carer')),
    el('label', {}, t('household.carer_name'), name),
    el('label', {}, t('household.carer_kind'), kind),
    el('fieldset', { class: 'weekdays' }, el('legend', {}, t('household.visit_days')), days.map((day, i) => el('label', { class: 'check' }, day, weekdayName(i + 1)))),
    el('label', {}, t('household.visit_from'), from),
    el('label', {}, t('household.visit_to'), to),
    el('button', { type: 'submit' }, t('household.add_carer')),
  );
}

/** Which config version of each gateway watching the household carries its latest change, and whether the gateway runs it. */
function deliverySection(record) {
  const state = (gateway) => (gateway.config_version === null ? 'delivery_state.pending' : gateway.running ? 'delivery_state.running' : 'delivery_state.sent');
  return el(
    'section',
    { class: 'card' },
    el('h2', {}, t('household.delivery')),
    record.config_delivery.length === 0
      ? el('p', { class: 'empty' }, t('household.no_gateway'))
      : el(
          'ul',
          { class: 'list', id: 'config-delivery' },
          record.config_delivery.map((gateway) =>
            el(
              'li',
              { 'data-gateway-id': gateway.gateway_id, 'data-running': String(gateway.running) },
              el('strong', {}, gateway.gateway_id),
              ' ',
              gateway.config_version === null ? '' : t('household.config_version', { version: gateway.config_version }),
              ' ',
              el('span', { class: `delivery-state ${gateway.running ? 'running' : 'waiting'}` }, t(state(gateway))),
            ),
          ),
        ),
  );
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
    /** One change against the version shown; someone else's change meanwhile (409) is said and the record reloaded. */
    const change = async (path, body, done, method = 'POST') => {
      notice.textContent = '';
      let said = done;
      try {
        await api(method, `${base}/${path}`, body, { 'if-match': `"${record.version}"` });
      } catch (error) {
        if (error.status !== 409) return showError(error);
        said = 'household.changed';
      }
      // Said once the record shown is the new one.
      await load();
      notice.textContent = t(said);
    };
    /** A button that removes one carer, contact or away period (DELETE, against the version shown). */
    const removeButton = (path, id) =>
      el('button', { type: 'button', class: 'link', 'data-remove': id, onclick: () => confirm(t('household.remove_confirm')) && change(`${path}/${id}`, undefined, 'household.removed', 'DELETE') }, t('household.remove'));
    const addAway = (event) => {
      event.preventDefault();
      return change('away-periods', { from: estateTimeToIso(from.value, estate.time_zone), to: estateTimeToIso(to.value, estate.time_zone), reason: reason.value }, 'household.away_added');
    };
    content.replaceChildren(
      notice,
      el('section', { class: 'card', 'data-version': record.version }, el('h2', { id: 'household-label' }, record.label), el('p', {}, t(record.consent && !record.consent.withdrawn_at ? 'households.enrolled' : 'households.not_enrolled'))),
      consentSection(record, estate, change),
      deliverySection(record),
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
                el(
                  'li',
                  { 'data-carer-id': carer.id },
                  el('strong', {}, carer.name),
                  ` ${t(`household.${carer.kind}`)} `,
                  el('span', { class: 'visits' }, carer.visits.map((visit) => `${weekdaysText(visit.weekdays)} ${visit.from}–${visit.to}`).join('; ')),
                  ' ',
                  removeButton('carers', carer.id),
                ),
              ),
            ),
        carerForm((body) => change('carers', body, 'household.carer_added')),
      ),
      el(
        'section',
        { class: 'card' },
        el('h2', {}, t('household.contacts')),
        record.contacts.length === 0
          ? el('p', { class: 'empty' }, t('household.no_contacts'))
          : el(
              'ul',
              { class: 'list contacts', id: 'household-contacts' },
              record.contacts.map((contact) => el('li', { 'data-contact-id': contact.id }, `${contact.name} (${contact.relationship}) `, el('span', { class: 'phone' }, contact.phone_masked), ' ', removeButton('contacts', contact.id))),
            ),
        contactForm((body) => change('contacts', body, 'household.contact_added')),
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
              record.away_periods.map((away) =>
                el('li', { 'data-away-id': away.id }, `${localTime(away.from, estateId)} – ${localTime(away.to, estateId)} `, el('span', { class: 'reason' }, t(`away.${away.reason}`)), ' ', removeButton('away-periods', away.id)),
              ),
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

householdPage();
