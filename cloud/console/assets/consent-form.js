// The resident's consent as the console records it (PIPL Art. 29, separate consent): who gave it,
// when, what it covers as told to them, and where the signed form is kept. Enrolment and a new
// consent after a withdrawal ask the same.
import { t, el, isoToEstateTime, estateTimeToIso } from './core.js';

/** The consent's fields, filled with today's date on the estate's clock and the usual scope; read() gives the API's body. */
export function consentFields(estate) {
  const givenBy = el('input', { name: 'given_by', required: true, maxlength: 200, value: t('consent.default_given_by') });
  const givenAt = el('input', { name: 'given_at', type: 'datetime-local', required: true, value: isoToEstateTime(Date.now(), estate.time_zone) });
  const scope = el('input', { name: 'scope', required: true, maxlength: 500, value: t('consent.default_scope') });
  const documentRef = el('input', { name: 'document_ref', required: true, maxlength: 200 });
  return {
    nodes: [
      el('label', {}, t('consent.given_by'), givenBy),
      el('label', {}, t('consent.given_at'), givenAt),
      el('label', {}, t('consent.scope'), scope),
      el('label', {}, t('consent.document_ref'), documentRef),
    ],
    read: () => ({ given_by: givenBy.value, given_at: estateTimeToIso(givenAt.value, estate.time_zone), scope: scope.value, document_ref: documentRef.value }),
  };
}
