import { z } from 'zod';
import { LiftFaultSchema, type LiftFault } from './canonical-events.js';
import { LocalIdSchema } from './identifiers.js';

/*
 * Lift rule parameters (edge/rules/lift/). GB/T 24476-2017 sets no times and no other normative
 * ones were found, only vendor defaults in public code; the defaults below cite which
 * (edge/rules/README.md, lifts). Every value can be set for all lifts (defaults) and per lift asset
 * (per_lift, by the lift's asset id).
 */

/** 非平层困人 (trapped between floors): 15 s in one public implementation; 20-30 s (timer Te) in another. */
export const DEFAULT_TRAPPED_OUTSIDE_DOOR_ZONE_S = 15;
/** 平层困人 (trapped at a landing, doors closed): public implementations use 20-90 s; 60 s sits among them. */
export const DEFAULT_TRAPPED_IN_DOOR_ZONE_S = 60;
/**
 * A fault must stay active this long before it is raised: the confirmation window of one vendor's
 * public code ("pending 5s before send fault", USE_LIFTFAULT_CONFIRM_TIME 5000). A fault the
 * monitor clears within it is noise for a work order (it is still in the event telemetry).
 */
export const DEFAULT_FAULT_CONFIRM_S = 5;
/** 反复开关门 (repeated door open/close): N = 20 in a public implementation (another uses 5), within 10 min. */
export const DEFAULT_DOOR_CYCLES = 20;
export const DEFAULT_DOOR_CYCLING_WINDOW_S = 10 * 60;
/** Out of service (service mode 0) longer than this is a fault. No public default: a policy choice. */
export const DEFAULT_OUT_OF_SERVICE_S = 30 * 60;

/** Every canonical fault but passenger_trapped, which is an entrapment (P1), not a repair job. */
export const DEFAULT_FAULTS_RAISED: readonly LiftFault[] = LiftFaultSchema.options.filter((fault) => fault !== 'passenger_trapped');

const entrapmentFields = {
  /** Car stopped outside the door zone with a passenger inside for longer than this (seconds). */
  outside_door_zone_s: z.number().min(1).max(600),
  /** Car stopped in the door zone, doors closed, a passenger inside, for longer than this (seconds). */
  in_door_zone_doors_closed_s: z.number().min(1).max(1800),
};

const faultFields = {
  /** Monitor fault codes (canonical names) that open a lift_fault work order. */
  raise_on: z.array(LiftFaultSchema.exclude(['passenger_trapped'])),
  /** Seconds a fault must stay active before it is raised. */
  confirm_s: z.number().min(0).max(600),
};

const doorCyclingFields = {
  enabled: z.boolean(),
  /** Door openings (door_status closed -> not closed) that count as repeated cycling... */
  cycles: z.number().int().min(2).max(1000),
  /** ...within this many seconds. */
  window_s: z.number().min(10).max(24 * 3600),
  /**
   * Count only openings while the car stays at one landing (a run resets the count): a busy lift
   * opens its doors at every stop, which is not a fault; 反复开关门 is the door re-opening in place.
   */
  same_landing: z.boolean(),
};

const outOfServiceFields = {
  enabled: z.boolean(),
  /** Service mode out_of_service for longer than this (seconds) opens a lift_fault. */
  after_s: z.number().min(0).max(7 * 24 * 3600),
};

/** An object of the fields with these defaults (an absent section gets all of them). */
function withDefaults<S extends Record<string, z.ZodType>>(fields: S, defaults: { [K in keyof S]: z.output<S[K]> }) {
  const shape = Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.default(defaults[name] as never)]));
  return z.object(shape as { [K in keyof S]: z.ZodDefault<S[K]> }).prefault({} as never);
}

export const LiftRuleParamsSchema = z.object({
  entrapment: withDefaults(entrapmentFields, {
    outside_door_zone_s: DEFAULT_TRAPPED_OUTSIDE_DOOR_ZONE_S,
    in_door_zone_doors_closed_s: DEFAULT_TRAPPED_IN_DOOR_ZONE_S,
  }),
  faults: withDefaults(faultFields, {
    raise_on: DEFAULT_FAULTS_RAISED as Array<Exclude<LiftFault, 'passenger_trapped'>>,
    confirm_s: DEFAULT_FAULT_CONFIRM_S,
  }),
  door_cycling: withDefaults(doorCyclingFields, {
    enabled: true,
    cycles: DEFAULT_DOOR_CYCLES,
    window_s: DEFAULT_DOOR_CYCLING_WINDOW_S,
    same_landing: true,
  }),
  out_of_service: withDefaults(outOfServiceFields, { enabled: true, after_s: DEFAULT_OUT_OF_SERVICE_S }),
});
export type LiftRuleParams = z.infer<typeof LiftRuleParamsSchema>;

/** A lift's own values: any of the parameters above; what it leaves out comes from `defaults`. */
export const LiftRuleOverridesSchema = z.object({
  entrapment: z.object(entrapmentFields).partial().optional(),
  faults: z.object(faultFields).partial().optional(),
  door_cycling: z.object(doorCyclingFields).partial().optional(),
  out_of_service: z.object(outOfServiceFields).partial().optional(),
});
export type LiftRuleOverrides = z.infer<typeof LiftRuleOverridesSchema>;

/**
 * Lift rule parameters: defaults for every lift and overrides per lift asset id. Unknown keys are
 * dropped rather than refused, so a newer cloud's extra parameter does not make an older gateway
 * reject its whole config.
 */
export const LiftRulesConfigSchema = z
  .object({
    defaults: LiftRuleParamsSchema.prefault({}),
    per_lift: z.record(LocalIdSchema, LiftRuleOverridesSchema).default({}),
  })
  .prefault({});
export type LiftRulesConfig = z.infer<typeof LiftRulesConfigSchema>;
