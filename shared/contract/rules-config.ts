import { z } from 'zod';
import { LiftRulesConfigSchema } from './rules-config-lift.js';
import { DeviceRulesConfigSchema } from './rules-config-devices.js';
import { CareRulesConfigSchema } from './rules-config-care.js';
import { WaterRulesConfigSchema } from './rules-config-water.js';

/**
 * Rule parameters and care profiles a gateway runs with: the body of the retained config message
 * the cloud sends (gateway-config-message.ts), also accepted from a local file. Every part has safe
 * defaults, so an empty object is a valid config: lifts and devices are watched from the first
 * minute, households only once enrolled here (with recorded consent).
 */
const RULE_PARAMETERS = {
  lifts: LiftRulesConfigSchema,
  devices: DeviceRulesConfigSchema,
  water: WaterRulesConfigSchema,
};

export const RulesConfigSchema = z
  .object({ ...RULE_PARAMETERS, care: CareRulesConfigSchema })
  .prefault({});
export type RulesConfig = z.infer<typeof RulesConfigSchema>;

/**
 * The rule parameters alone, as an administrator sets them in the cloud: the care section is not
 * among them there, since the cloud derives it from households' records (consent, carers, away
 * periods), one versioned change at a time. A `care` key is refused by name.
 */
export const RuleParametersSchema = z.strictObject(RULE_PARAMETERS).prefault({});
export type RuleParameters = z.infer<typeof RuleParametersSchema>;

/** The config a gateway runs before the cloud has sent one and without a local file. */
export const DEFAULT_RULES_CONFIG: RulesConfig = RulesConfigSchema.parse({});
