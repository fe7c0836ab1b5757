import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isKnownTimeZone } from '../platform/local-calendar.js';

export const DEFAULT_RAW_DAYS = 30;
export const DEFAULT_HOURLY_MONTHS = 13;
/** Closed tickets are work records: three years (README, "Retention", says why). */
export const DEFAULT_CLOSED_TICKET_DAYS = 3 * 365;
/** The nightly run: 03:30 in the retention zone, when ingest is at its quietest. */
export const DEFAULT_NIGHTLY_AT = '03:30';
/** The InfluxDB 1.x retention policy the hourly tier is written to (raw data stays where it is written). */
export const DEFAULT_HOURLY_POLICY = 'estatecare_hourly';

/**
 * `retention` in the cloud config: how long telemetry and tickets are kept (README, "Retention").
 * Raw readings and events share raw_days: both are the signals as sent, and on InfluxDB they share
 * the retention policy they are written to.
 */
export const RetentionSettingsSchema = z
  .object({
    /** Raw readings and events, in days. */
    raw_days: z.number().int().min(1).max(3650).default(DEFAULT_RAW_DAYS),
    /** The hourly aggregates of readings, in calendar months. */
    hourly_months: z.number().int().min(1).max(120).default(DEFAULT_HOURLY_MONTHS),
    /** Tickets, counted from when they closed; tickets not closed are never deleted. */
    closed_ticket_days: z.number().int().min(30).max(36_500).default(DEFAULT_CLOSED_TICKET_DAYS),
    /** HH:MM on the wall clock of time_zone: the nightly run starts at the first minute tick after it. */
    nightly_at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24-hour)').default(DEFAULT_NIGHTLY_AT),
    time_zone: z.string().refine(isKnownTimeZone, 'an IANA time zone name, such as Asia/Shanghai').default(DEFAULT_TIME_ZONE),
    /** InfluxDB 1.x: the retention policy of the hourly tier, created or altered at start. */
    influxdb_hourly_policy: z.string().regex(/^[A-Za-z0-9_-]+$/).default(DEFAULT_HOURLY_POLICY),
    /**
     * InfluxDB 1.x: also set the duration of the policy raw data is written to (the configured
     * retention_policy, else the database's default) to raw_days, so InfluxDB itself drops whole
     * expired shards should the nightly run stop. false leaves that policy to its operator.
     */
    influxdb_manage_raw_policy: z.boolean().default(true),
  })
  .refine((settings) => settings.hourly_months * 28 >= settings.raw_days, {
    message: 'hourly aggregates must be kept at least as long as raw readings',
    path: ['hourly_months'],
  })
  .prefault({});

export type RetentionSettings = z.infer<typeof RetentionSettingsSchema>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/**
 * How far before the raw cutoff an InfluxDB run downsamples: a run that was missed is made up for
 * by the next, up to this long; the SQL store aggregates everything it is about to delete.
 */
export const INFLUX_DOWNSAMPLE_LOOKBACK_MS = 7 * DAY_MS;

/** What one run keeps: everything at or after each instant (epoch ms, whole UTC hours). */
export interface RetentionCutoffs {
  /** Raw readings before this are aggregated to hours, then deleted. */
  readingsBefore: number;
  eventsBefore: number;
  /** Hourly aggregates before this are deleted. */
  hourlyBefore: number;
  /** InfluxDB: the oldest hour a run aggregates (see INFLUX_DOWNSAMPLE_LOOKBACK_MS). */
  downsampleFrom: number;
}

/**
 * The cutoffs at `now`: raw_days × 24 h back and hourly_months calendar months back (UTC), each
 * floored to a whole hour so that no hour is aggregated half before and half after a deletion.
 */
export function retentionCutoffs(now: number, settings: Pick<RetentionSettings, 'raw_days' | 'hourly_months'>): RetentionCutoffs {
  const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
  const rawBefore = floorHour(now - settings.raw_days * DAY_MS);
  return { readingsBefore: rawBefore, eventsBefore: rawBefore, hourlyBefore: floorHour(monthsBefore(now, settings.hourly_months)), downsampleFrom: rawBefore - INFLUX_DOWNSAMPLE_LOOKBACK_MS };
}

/** The same UTC day and time `months` months earlier, on the month's last day when it is shorter (March 31 less one month: February 28). */
function monthsBefore(now: number, months: number): number {
  const date = new Date(now);
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() - months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

/** InfluxDB durations have no months (InfluxQL reference, "Durations"): months × 31 days keeps at least that many. */
export function influxMonthsDuration(months: number): string {
  return `${months * 31}d`;
}
