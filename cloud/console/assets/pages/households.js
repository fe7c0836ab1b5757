import { content, t, el, api, showError, estatesWith, SUPERVISION } from '../core.js';
import { consentFields } from '../consent-form.js';

const householdPath = (estateId, unitId) => `/households/${encodeURIComponent(estateId)}/${encodeURIComponent(unitId)}`;

/** Enrols a unit's household in care, with the consent recorded; the units offered are those without a care record. */
function enrolForm(estate, households, units) {
  const recorded = new Set(households.map((household) => household.unit_id));
  const candidates = units.filter((unit) => !recorded.has(unit.id));
  if (candidates.length === 0) return null;
  const unit = el('select', { name: 'unit_id', required: true }, candidates.map((candidate) => el('option', { value: candidate.id }, candidate.label)));
  const livesAlone = el('input', { type: 'checkbox', name: 'lives_alone', checked: true });
  const consent = consentFields(estate);
  const submit = async (event) => {
    event.preventDefault();
    try {
      await api('POST', `/api/v1/estates/${encodeURIComponent(estate.id)}/households`, { unit_id: unit.value, lives_alone: livesAlone.checked, consent: consent.read() });
      location.assign(householdPath(estate.id, unit.value));
    } catch (error) {
      showError(error);
    }
  };
  return el(
    'form',
    { class: 'enrol', id: `enrol-${estate.id}`, onsubmit: submit },
    el('h3', {}, t('households.enrol')),
    el('label', {}, t('households.unit'), unit),
    el('label', { class: 'check' }, livesAlone, t('households.lives_alone')),
    consent.nodes,
    el('p', { class: 'hint' }, t('consent.note')),
    el('button', { type: 'submit', class: 'primary' }, t('households.enrol')),
  );
}

async function householdsPage() {
  for (const estate of estatesWith(['supervisor', 'estate_manager'])) {
    const base = `/api/v1/estates/${encodeURIComponent(estate.id)}`;
    try {
      const [{ households }, { units }] = await Promise.all([api('GET', `${base}/households?${SUPERVISION}`), api('GET', `${base}/units`)]);
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
                    el('a', { href: householdPath(estate.id, household.unit_id) }, household.label),
                    ' ',
                    el('span', { class: `enrolled ${household.enrolled ? 'yes' : 'no'}` }, t(household.enrolled ? 'households.enrolled' : 'households.not_enrolled')),
                  ),
                ),
              ),
          enrolForm(estate, households, units),
        ),
      );
    } catch (error) {
      showError(error);
    }
  }
}

householdsPage();
