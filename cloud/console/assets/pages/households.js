import { content, t, el, api, showError, estatesWith, SUPERVISION } from '../core.js';

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

householdsPage();
