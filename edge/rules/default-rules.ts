import { createLiftAlarmButtonRule } from './lift/lift-alarm-button.js';
import type { Rule } from './rule.js';

/** The rules every gateway runs. Care and leak rules join here as they are written. */
export function createDefaultRules(): Rule[] {
  return [createLiftAlarmButtonRule()];
}
