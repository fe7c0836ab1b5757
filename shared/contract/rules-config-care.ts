import { z } from 'zod';
import { LocalIdSchema } from './identifiers.js';
import { storableText } from './storable-text.js';

/**
 * Care profiles of enrolled households: who is watched over, with what consent, and the limits the
 * household care rule (edge/rules/care/) decides on. A household's activity shows whereabouts and
 * health, sensitive personal information under PIPL Art. 28; enrollment needs the resident's
 * separate consent (Art. 29), so a household without a recorded consent is refused here, and a
 * household removed from this list stops being processed (its rule state is deleted).
 * Defaults are chosen against false alarms (edge/rules/README.md: 46 of 61 alerts false in one UK
 * trial) without leaving a fallen resident for longer than the field's own limits (12 h, Shenzhen
 * Longgang).
 */

/** China Standard Time, UTC+8, in minutes east of UTC: the estates' local time. */
export const DEFAULT_UTC_OFFSET_MIN = 480;

/**
 * The daytime window: quiet that starts in it (or after the resident got up) and reaches the daytime
 * limit by its end is judged on the daytime limit; later quiet is the evening's, judged by the
 * morning check. Ending at 23:00, a fall at 17:00 is still noticed the same evening.
 */
export const DEFAULT_DAY_FROM = '07:00';
export const DEFAULT_DAY_TO = '23:00';
/** Hours of quiet in the daytime before a care visit: a fall at 10:00 is noticed at 16:00. */
export const DEFAULT_DAY_LIMIT_H = 6;
/**
 * Hours of quiet that take in the night (any part of 22:00-07:00): Longgang's 12 h without water
 * use (edge/rules/README.md). Nights are long and quiet; the morning check notices a missed morning
 * earlier, on the resident's own routine.
 */
export const DEFAULT_NIGHT_LIMIT_H = 12;
/**
 * A household's own quiet lengths stretch the daytime limit by at most this (a frugal resident's
 * long TV afternoons); a weekly outing she has made before (the day centre) may stretch it to her
 * usual return, never past the end of the daytime window.
 */
export const DEFAULT_MAX_LEARNED_EXTRA_H = 3;

/**
 * Minutes after the usual first activity (upper quartile) before the morning check alerts, at least:
 * a learned routine waits 4 h while that is half an hour before latest_check (morning-routine.ts).
 */
export const DEFAULT_MORNING_MARGIN_MIN = 120;
/** The first activity assumed until the household's own history is long enough. */
export const DEFAULT_FIRST_ACTIVITY = '08:00';
/**
 * Days of first activity needed before the learned routine replaces the default: two weeks, which
 * hold the 4 days of each kind of day (DEFAULT_MIN_DAYS_PER_KIND) that weekends need.
 */
export const DEFAULT_MIN_HISTORY_DAYS = 14;
/**
 * Mornings are learned per kind of day (Monday-Friday, Saturday-Sunday: Sunday lie-ins, day-centre
 * days); a kind needs this many days of its own before its routine is used.
 */
export const DEFAULT_MIN_DAYS_PER_KIND = 4;
/** Extra minutes on the margin while the routine of that kind of day is still being learned. */
export const DEFAULT_LEARNING_MARGIN_MIN = 60;
/**
 * The check comes no later than this (a night fall is to be noticed by noon), unless her usual
 * first activity ends so late that the check must follow it by at least an hour.
 */
export const DEFAULT_LATEST_CHECK = '11:30';
/** Days of first activity the routine is learned from (the most recent ones). */
export const DEFAULT_HISTORY_DAYS = 28;
/**
 * A household's day starts here for the morning check: activity of a night owl at 01:30 belongs to
 * the evening before, not to the morning.
 */
export const DEFAULT_DAY_STARTS_AT = '04:00';

/**
 * Electricity above this is activity (a switch-on: the level crossing it, or a further step up).
 * It must sit above what the home draws unattended (refrigerator compressor, router, appliances on
 * standby), or the fridge cycling becomes a keep-alive that hides a fall (ThingsBoard #12771). A
 * kettle, rice cooker, microwave, iron or hair dryer draws far more. Set it per household from the
 * night minimum when a home runs more unattended load (electric water heater on a timer).
 */
export const DEFAULT_STANDBY_POWER_W = 300;

/** MySense infers "left home" from a door opening followed by 50 min of quiet (edge/rules/README.md). */
export const DEFAULT_GATE_AWAY_AFTER_MIN = 50;

/**
 * A decline (an illness: staying in, little water, the door unused) is water use in the last 24 h
 * at or below this share of what the household's own last weeks make usual for those hours, with
 * her appliances and the half-hours she is seen in down as well (edge/rules/care/decline-check.ts).
 */
export const DEFAULT_DECLINE_SHARE = 0.5;
/** Days of history before a decline is judged, and when in the day it is reviewed besides the morning check. */
export const DEFAULT_DECLINE_MIN_DAYS = 10;
export const DEFAULT_DECLINE_REVIEW_AT = '14:00';
/** A household card at the estate gate with no door event within this many minutes is a sign the door controller may be dead. */
export const DEFAULT_GATE_DOOR_MATCH_MIN = 15;
/** Days without a door event, while water and electricity show the household active, before the door controller is suspected. */
export const DEFAULT_DOOR_QUIET_DAYS = 3;

const CLOCK_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A local time of day, 'HH:MM' (24 h). */
export const ClockTimeSchema = z.string().regex(CLOCK_PATTERN, "a local time of day 'HH:MM' (00:00-23:59)");

const IsoTimeSchema = z.iso.datetime({ offset: true });

/** PIPL Art. 29: separate consent to processing sensitive personal information, recorded. */
export const CareConsentSchema = z.object(
  {
    recorded_at: IsoTimeSchema,
    /** What the resident agreed to, as told to them (Art. 30: necessity and impact). */
    purpose: storableText().min(1).max(500),
  },
  {
    error: (issue) =>
      issue.input === undefined
        ? 'care enrollment needs the resident\'s separate consent (PIPL Art. 29): consent { recorded_at, purpose }'
        : undefined,
  },
);

export const InactivityLimitsSchema = z
  .object({
    day_from: ClockTimeSchema.default(DEFAULT_DAY_FROM),
    day_to: ClockTimeSchema.default(DEFAULT_DAY_TO),
    day_limit_h: z.number().positive().max(72).default(DEFAULT_DAY_LIMIT_H),
    night_limit_h: z.number().positive().max(72).default(DEFAULT_NIGHT_LIMIT_H),
    /** Learn the household's own daytime quiet lengths and weekly outings (see DEFAULT_MAX_LEARNED_EXTRA_H). */
    learn_quiet: z.boolean().default(true),
    max_learned_extra_h: z.number().min(0).max(12).default(DEFAULT_MAX_LEARNED_EXTRA_H),
  })
  .refine((limits) => limits.day_from < limits.day_to, { message: 'day_from must be before day_to', path: ['day_to'] })
  .refine((limits) => limits.day_limit_h <= limits.night_limit_h, {
    message: 'the night limit covers quiet that takes in the night: it must not be shorter than the day limit',
    path: ['night_limit_h'],
  })
  .prefault({});

export const MorningCheckSchema = z
  .object({
    enabled: z.boolean().default(true),
    margin_min: z.number().int().min(0).max(12 * 60).default(DEFAULT_MORNING_MARGIN_MIN),
    default_first_activity: ClockTimeSchema.default(DEFAULT_FIRST_ACTIVITY),
    min_history_days: z.number().int().min(3).max(90).default(DEFAULT_MIN_HISTORY_DAYS),
    history_days: z.number().int().min(3).max(90).default(DEFAULT_HISTORY_DAYS),
    day_starts_at: ClockTimeSchema.default(DEFAULT_DAY_STARTS_AT),
    /** Learn weekdays and weekends apart (false: one routine for every day, as before). */
    by_kind_of_day: z.boolean().default(true),
    min_days_per_kind: z.number().int().min(1).max(30).default(DEFAULT_MIN_DAYS_PER_KIND),
    learning_margin_min: z.number().int().min(0).max(12 * 60).default(DEFAULT_LEARNING_MARGIN_MIN),
    latest_check: ClockTimeSchema.default(DEFAULT_LATEST_CHECK),
  })
  .refine((check) => check.min_history_days <= check.history_days, {
    message: 'min_history_days must not exceed history_days',
    path: ['min_history_days'],
  })
  .prefault({});

/** Which activity signals of the household count; turn one off for a home where it misleads. */
export const CareSignalsSchema = z
  .object({
    door: z.boolean().default(true),
    water: z.boolean().default(true),
    electricity: z.boolean().default(true),
    gate: z.boolean().default(true),
  })
  .prefault({});

/** The gentler "check on" visit when activity declines over a day or two against the household's own weeks. */
export const DeclineCheckSchema = z
  .object({
    enabled: z.boolean().default(true),
    share: z.number().gt(0).lt(1).default(DEFAULT_DECLINE_SHARE),
    min_history_days: z.number().int().min(3).max(60).default(DEFAULT_DECLINE_MIN_DAYS),
    review_at: ClockTimeSchema.default(DEFAULT_DECLINE_REVIEW_AT),
  })
  .prefault({});

/** Watching the household's door controller for a silent death, from the household's own signals. */
export const DoorWatchSchema = z
  .object({
    enabled: z.boolean().default(true),
    gate_match_min: z.number().int().min(1).max(120).default(DEFAULT_GATE_DOOR_MATCH_MIN),
    quiet_days: z.number().min(1).max(30).default(DEFAULT_DOOR_QUIET_DAYS),
  })
  .prefault({});

export const AwayPeriodSchema = z
  .object({
    from: IsoTimeSchema,
    to: IsoTimeSchema,
    reason: z.enum(['travel', 'hospital', 'other']),
  })
  .refine((period) => Date.parse(period.from) < Date.parse(period.to), { message: 'from must be before to', path: ['to'] });
export type AwayPeriod = z.infer<typeof AwayPeriodSchema>;

/**
 * A registered visit (weekdays 1 = Monday .. 7 = Sunday, local times). A care alert that falls due
 * inside the window waits for its end: someone is there, or about to be, who sees the resident; if
 * no activity at all shows by the end, the alert goes out then. Door use inside the window is not the
 * resident's by itself (the carer leaving is not the resident moving): it neither restarts the quiet
 * clock nor clears an alert; what the home's meters show still counts.
 */
export const CareVisitSchema = z
  .object({
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5, 6, 7]),
    from: ClockTimeSchema,
    to: ClockTimeSchema,
    who: z.enum(['carer', 'visitor']),
  })
  .refine((visit) => visit.from < visit.to, { message: 'from must be before to (same day)', path: ['to'] });
export type CareVisit = z.infer<typeof CareVisitSchema>;

export const CareHouseholdSchema = z.object({
  /** The pseudonymous household id: the id of the subject { kind: 'unit' }. */
  unit_id: LocalIdSchema,
  consent: CareConsentSchema,
  /** Shown to the housekeeper; household activity is one person's activity only when true. */
  lives_alone: z.boolean().default(true),
  utc_offset_min: z.number().int().min(-720).max(840).default(DEFAULT_UTC_OFFSET_MIN),
  inactivity: InactivityLimitsSchema,
  morning_check: MorningCheckSchema,
  standby_power_w: z.number().min(0).max(10_000).default(DEFAULT_STANDBY_POWER_W),
  signals: CareSignalsSchema,
  away_periods: z.array(AwayPeriodSchema).max(100).default([]),
  gate: z.object({ away_after_min: z.number().int().min(5).max(24 * 60).default(DEFAULT_GATE_AWAY_AFTER_MIN) }).prefault({}),
  visits: z.array(CareVisitSchema).max(50).default([]),
  decline: DeclineCheckSchema,
  door_watch: DoorWatchSchema,
  /**
   * Card references (the door profile's credential_ref) of the household: a credential_granted at
   * an estate gate with one of them is the household's activity, and may mean it left the estate.
   */
  credential_refs: z.array(storableText().min(1).max(200)).max(20).default([]),
});
export type CareHousehold = z.infer<typeof CareHouseholdSchema>;

export const CareRulesConfigSchema = z
  .object({
    households: z
      .array(CareHouseholdSchema)
      .default([])
      .refine((households) => new Set(households.map((h) => h.unit_id)).size === households.length, 'each unit_id once'),
  })
  .prefault({});
export type CareRulesConfig = z.infer<typeof CareRulesConfigSchema>;
