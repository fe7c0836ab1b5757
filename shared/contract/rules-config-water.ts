import { z } from 'zod';
import { LocalIdSchema } from './identifiers.js';
import { DEFAULT_UTC_OFFSET_MIN } from './rules-config-care.js';

/**
 * Leak rule parameters (edge/rules/water/): household water meters are watched with
 * `unit_defaults`; a subject listed in `subjects` (a household, or a water main asset) uses its own
 * limits instead. Assets are watched only when listed: a building main flows in every interval of
 * the day by nature, so its limits must be set for it.
 */

/** Length of one slot of the continuous-flow check: Shenzhen Longgang's 30 minutes (edge/rules/README.md). */
export const DEFAULT_FLOW_SLOT_MIN = 30;
/**
 * Hours of use in every slot before a leak. Longgang uses 24 h on household meters; 12 h already
 * requires use through the night, which an occupied home does not show, and reports a running
 * cistern or tap half a day sooner.
 */
export const DEFAULT_CONTINUOUS_FLOW_H = 12;
/** Litres a slot must exceed to count as used: 0 = any rise of the counter, any flow. */
export const DEFAULT_MIN_LITRES_PER_SLOT = 0;
/** Litres a day above which the use is abnormal: Liaocheng calls above 1000 L in 24 h (edge/rules/README.md). */
export const DEFAULT_MAX_LITRES_PER_DAY = 1000;

export const ContinuousFlowSchema = z
  .object({
    enabled: z.boolean().default(true),
    slot_min: z
      .number()
      .int()
      .min(5)
      .max(240)
      .refine((minutes) => 1440 % minutes === 0, 'slots must divide the day (e.g. 15, 30, 60)')
      .default(DEFAULT_FLOW_SLOT_MIN),
    hours: z.number().min(1).max(72).default(DEFAULT_CONTINUOUS_FLOW_H),
    min_litres_per_slot: z.number().min(0).default(DEFAULT_MIN_LITRES_PER_SLOT),
  })
  .refine((flow) => flow.hours * 60 >= flow.slot_min, { message: 'hours must cover at least one slot', path: ['hours'] })
  .prefault({});

export const DailyVolumeSchema = z
  .object({
    enabled: z.boolean().default(true),
    max_litres: z.number().positive().default(DEFAULT_MAX_LITRES_PER_DAY),
  })
  .prefault({});

export const WaterLimitsSchema = z.object({
  continuous_flow: ContinuousFlowSchema,
  daily_volume: DailyVolumeSchema,
});
export type WaterLimits = z.infer<typeof WaterLimitsSchema>;

export const WaterSubjectLimitsSchema = WaterLimitsSchema.extend({
  kind: z.enum(['unit', 'asset']),
  id: LocalIdSchema,
});
export type WaterSubjectLimits = z.infer<typeof WaterSubjectLimitsSchema>;

export const WaterRulesConfigSchema = z
  .object({
    /** Local time of the estate, minutes east of UTC: days and slots start on local time. */
    utc_offset_min: z.number().int().min(-720).max(840).default(DEFAULT_UTC_OFFSET_MIN),
    unit_defaults: WaterLimitsSchema.prefault({}),
    subjects: z
      .array(WaterSubjectLimitsSchema)
      .max(5000)
      .default([])
      .refine((subjects) => new Set(subjects.map((s) => `${s.kind}:${s.id}`)).size === subjects.length, 'each subject once'),
  })
  .prefault({});
export type WaterRulesConfig = z.infer<typeof WaterRulesConfigSchema>;
