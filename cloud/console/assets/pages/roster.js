import { content, t, el, api, showError, estatesWith, weekdaysText } from '../core.js';

/** Each shift names its person from the estate's team (staff ids mean nothing to a supervisor). */
function shiftRow(shift, names) {
  const hours = shift.starts_at === shift.ends_at ? t('roster.all_day') : `${shift.starts_at}–${shift.ends_at}`;
  return el(
    'tr',
    { 'data-shift-id': shift.id, 'data-staff-id': shift.staff_id },
    el('td', { class: 'role' }, t(`role.${shift.role}`)),
    el('td', { class: 'days' }, weekdaysText(shift.weekdays)),
    el('td', { class: 'hours' }, hours),
    el('td', { class: 'buildings' }, shift.building_ids ? shift.building_ids.join(', ') : t('roster.all_buildings')),
    el('td', { class: 'staff' }, names.get(shift.staff_id) || shift.staff_id),
  );
}

/** The team: each person's roles, who is on duty now, and how many open tickets each holds. */
function teamList(estateId, members) {
  return el(
    'section',
    {},
    el('h3', {}, t('team.title')),
    members.length === 0
      ? el('p', { class: 'empty' }, t('team.none'))
      : el(
          'ul',
          { class: 'list team', id: `team-${estateId}` },
          members.map((member) =>
            el(
              'li',
              { 'data-staff-id': member.staff_id, 'data-on-duty': String(member.roles.some((held) => held.on_duty_now)) },
              el('strong', {}, member.display_name),
              ' ',
              member.roles.map((held) => el('span', { class: `badge${held.on_duty_now ? ' on-duty' : ''}` }, t(`role.${held.role}`))),
              ' ',
              el('span', { class: 'duty' }, t(member.roles.some((held) => held.on_duty_now) ? 'team.on_duty' : 'team.off_duty')),
              ' ',
              el('span', { class: 'load' }, t('team.open_tickets', { n: member.open_tickets })),
            ),
          ),
        ),
  );
}

async function rosterPage() {
  for (const estate of estatesWith(['supervisor', 'estate_manager', 'admin'])) {
    try {
      const base = `/api/v1/estates/${encodeURIComponent(estate.id)}`;
      const [{ shifts }, { members }] = await Promise.all([api('GET', `${base}/duty-shifts`), api('GET', `${base}/team`)]);
      const names = new Map(members.map((member) => [member.staff_id, member.display_name]));
      const heading = ['roster.role', 'roster.days', 'roster.hours', 'roster.buildings', 'roster.staff'].map((key) => el('th', { scope: 'col' }, t(key)));
      content.append(
        el(
          'section',
          { class: 'card', 'data-estate': estate.id },
          el('h2', {}, estate.name),
          teamList(estate.id, members),
          el('h3', {}, t('roster.shifts')),
          shifts.length === 0
            ? el('p', { class: 'empty' }, t('roster.none'))
            : el('div', { class: 'scroll' }, el('table', { class: 'roster', id: `roster-${estate.id}` }, el('thead', {}, el('tr', {}, heading)), el('tbody', {}, shifts.map((shift) => shiftRow(shift, names))))),
        ),
      );
    } catch (error) {
      showError(error);
    }
  }
}

rosterPage();
