import type { Routine } from './daily-plan.js';

/**
 * The four households of the scenarios: an early riser, a night owl, a resident with a
 * daily carer, a frequent traveller. Their care profiles are what an enrollment would record.
 */
const H = 60;

export const EARLY_RISER: Routine = {
  unitId: 'hh-early',
  wakeMin: 6 * H,
  wakeSpreadMin: 15,
  bedMin: 21 * H,
  bedSpreadMin: 20,
  first: 'water',
  nightToilet: 0.4,
  walk: 0.5,
  dayTrip: 0,
};
/** The enrollment records "gets up about six". */
export const EARLY_RISER_PROFILE = { morning_check: { default_first_activity: '06:00' } };

/** Up around 10:30, to bed around 01:30: the enrollment records "gets up about 10:30". */
export const NIGHT_OWL: Routine = {
  unitId: 'hh-owl',
  wakeMin: 10 * H + 30,
  wakeSpreadMin: 20,
  bedMin: 25 * H + 30,
  bedSpreadMin: 30,
  first: 'electricity',
  nightToilet: 0.2,
  walk: 0.4,
  dayTrip: 0,
};
export const NIGHT_OWL_PROFILE = { morning_check: { default_first_activity: '10:30' } };

/** Mornings vary (07:30-09:30); a carer comes every day 10:30-11:30. */
export const WITH_CARER: Routine = {
  unitId: 'hh-carer',
  wakeMin: 8 * H + 30,
  wakeSpreadMin: 60,
  bedMin: 21 * H + 30,
  bedSpreadMin: 30,
  first: 'electricity',
  nightToilet: 0.5,
  walk: 0.2,
  dayTrip: 0,
  carer: { fromMin: 10 * H + 30, toMin: 11 * H + 30 },
};
export const WITH_CARER_PROFILE = { visits: [{ from: '10:30', to: '11:30', who: 'carer' }], morning_check: { default_first_activity: '09:30' } };

/** Out through the estate gate most days for 6-9 h, with her card. */
export const TRAVELLER: Routine = {
  unitId: 'hh-travel',
  wakeMin: 7 * H,
  wakeSpreadMin: 20,
  bedMin: 22 * H,
  bedSpreadMin: 30,
  first: 'water',
  nightToilet: 0.3,
  walk: 0,
  dayTrip: 0.6,
  credentialRef: 'card-7731',
};
export const TRAVELLER_PROFILE = { credential_refs: ['card-7731'], morning_check: { default_first_activity: '07:00' } };
