import type { AlertCategory } from '../../shared/contract/index.js';
import type { OutcomeCode } from './ticket.js';

/**
 * The outcome codes a ticket of each category may be resolved with (a completion report, 回单, names
 * an outcome fitting the category). A lift fault cannot end as "resident well", nor a care visit
 * as "repaired": the codes feed per-category statistics (false-alarm rates, releases, repairs), which
 * a code from another category would spoil. The same for every estate.
 */
export const OUTCOME_CODES_BY_CATEGORY: Readonly<Record<AlertCategory, readonly OutcomeCode[]>> = {
  lift_entrapment: ['passengers_released', 'emergency_services_called', 'false_alarm', 'other'],
  lift_fault: ['repaired', 'contractor_dispatched', 'false_alarm', 'other'],
  care_visit: ['resident_well', 'assistance_given', 'emergency_services_called', 'no_access', 'false_alarm', 'other'],
  // A running tap in a household is a leak too: a housekeeper may help the resident turn it off.
  water_leak: ['repaired', 'contractor_dispatched', 'assistance_given', 'no_access', 'false_alarm', 'other'],
  // A silent meter inside a home may need the resident to let the technician in.
  device_offline: ['repaired', 'contractor_dispatched', 'no_access', 'false_alarm', 'other'],
};

export function outcomeFits(category: AlertCategory, outcomeCode: OutcomeCode): boolean {
  return OUTCOME_CODES_BY_CATEGORY[category].includes(outcomeCode);
}
