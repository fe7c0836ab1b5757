import { content, t, el, api, showError, estatesWith, weekdaysText } from '../core.js';

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

rosterPage();
