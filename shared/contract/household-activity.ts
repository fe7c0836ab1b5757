import { z } from 'zod';
import { ItemIdSchema, LocalIdSchema, WireTimeSchema } from './identifiers.js';

/**
 * One household's activity over one local hour: the coarse aggregate the privacy rules (README.md in
 * this folder) let leave the gateway for an enrolled household, and nothing finer. It names the household by its
 * pseudonymous id only: no unit label, no device id, no single reading or event time inside the
 * hour. A signal with no data in the hour (no such device, or it was silent) is null, never 0: no
 * data is not no activity.
 *
 * The hour starts at `event_time` and lasts 60 minutes; it is a local hour of the household's UTC
 * offset, so it starts on a quarter hour of UTC (offsets such as +05:45 exist). `id` is the
 * household and the hour (edge/household-activity/activity-item.ts), so a resend, or the hour
 * computed again after a restart, is the same item.
 */
export const ActivityMinutesSchema = z.number().int().min(0).max(1439);

/** The learned morning routine of one kind of day (edge/rules/care/morning-routine.ts). */
export const MorningWindowSchema = z.object({
  kind: z.enum(['weekday', 'weekend', 'any']),
  /** false: still the configured cold start ("gets up about"), not yet learned from her own days. */
  learned: z.boolean(),
  /** The usual first activity (interquartile range), minutes after local midnight. */
  usual_from_min: ActivityMinutesSchema,
  usual_to_min: ActivityMinutesSchema,
  /** No activity by then is worth a visit, minutes after local midnight. */
  check_at_min: ActivityMinutesSchema,
});
export type MorningWindow = z.infer<typeof MorningWindowSchema>;

/** What the gateway's care rule has learned of the household, in a few numbers; no single day of it. */
export const RoutineSummarySchema = z.object({
  /** Days of first-activity history the morning windows are learned from. */
  history_days: z.number().int().min(0).max(366),
  morning: z.array(MorningWindowSchema).min(1).max(2),
  /** How long a daytime quiet at home may last before a care visit, minutes, and what set it. */
  day_quiet_limit_min: z.number().int().min(1).max(72 * 60),
  day_quiet_basis: z.enum(['configured', 'learning', 'quiet_lengths']),
});
export type RoutineSummary = z.infer<typeof RoutineSummarySchema>;

const QUARTER_HOUR_MS = 15 * 60_000;

export const HouseholdActivityItemSchema = z
  .object({
    id: ItemIdSchema,
    household_id: LocalIdSchema,
    /** Start of the hour. */
    event_time: WireTimeSchema,
    /** Openings of the household's door (door_opened events). */
    door_openings: z.number().int().min(0).max(10_000).nullable(),
    /** Litres the water meter counted in the hour. */
    water_l: z.number().min(0).max(100_000).nullable(),
    /** kWh the electricity meter counted in the hour. */
    energy_kwh: z.number().min(0).max(1_000).nullable(),
    /** Minutes the power stood above the household's standby_power_w. */
    above_standby_min: z.number().min(0).max(60).nullable(),
    /** What the care rule has learned, as of the hour's end; on the first hour of each local day and when it changed. */
    routine: RoutineSummarySchema.optional(),
  })
  .refine((item) => Date.parse(item.event_time) % QUARTER_HOUR_MS === 0, { message: 'an hour starts on a quarter hour of UTC', path: ['event_time'] });
export type HouseholdActivityItem = z.infer<typeof HouseholdActivityItemSchema>;
