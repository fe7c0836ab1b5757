import { data, content, t, el, api, estateOf, localTime, showError, weekdaysText, estateTimeToIso, SUPERVISION } from '../core.js';

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

householdPage();
