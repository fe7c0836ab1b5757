import { createHouseholdCareRule } from './care/household-care-rule.js';
import { createDeviceOfflineRule } from './devices/device-offline.js';
import { createLiftEntrapmentRule } from './lift/lift-entrapment.js';
import { createLiftFaultRule } from './lift/lift-fault.js';
import type { Rule } from './rule.js';
import { createWaterLeakRule } from './water/water-leak-rule.js';

/** The rules every gateway runs, each with its own id. Care and leak rules join this list. */
export function createDefaultRules(): Rule[] {
  return [
    createLiftEntrapmentRule(),
    createLiftFaultRule(),
    createDeviceOfflineRule(),
    createHouseholdCareRule(),
    createWaterLeakRule(),
  ];
}
