import type { AlertCategory } from '../../shared/contract/index.js';
import { addDays, daysBetween, mondayOf } from '../platform/local-calendar.js';

/** Charts draw one point per local day, or per ISO week (Monday to Sunday). */
export const KPI_BUCKETS = ['day', 'week'] as const;
export type KpiBucket = (typeof KPI_BUCKETS)[number];

/** Longest period one request may ask for: a year of day buckets (a leap year's 366 days). */
export const MAX_PERIOD_DAYS = 366;

/**
 * What a KPI report covers: the local calendar days `from` to `to`, both included, in the estate's
 * time zone (from 00:00 of `from` to 00:00 of the day after `to`, local time); one category or all.
 */
export interface KpiQuery {
  estateId: string;
  from: string;
  to: string;
  category: AlertCategory | null;
  bucket: KpiBucket;
}

/**
 * The first day of every bucket of the period, in order, so a chart has a point for every bucket,
 * empty ones included. A week bucket is named by its Monday: the first and last weeks of a period
 * that does not start on a Monday or end on a Sunday hold only the period's days.
 */
export function bucketStarts(from: string, to: string, bucket: KpiBucket): string[] {
  const starts: string[] = [];
  const step = bucket === 'day' ? 1 : 7;
  const first = bucket === 'day' ? from : mondayOf(from);
  for (let start = first; daysBetween(start, to) >= 0; start = addDays(start, step)) starts.push(start);
  return starts;
}
