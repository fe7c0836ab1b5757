import { describe, expect, it } from 'vitest';
import { bucketStarts } from '../../../../cloud/kpis/kpi-period.js';

describe('KPI buckets', () => {
  it('a day bucket for every day of the period, both ends included', () => {
    expect(bucketStarts('2026-11-29', '2026-12-02', 'day')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(bucketStarts('2026-11-30', '2026-11-30', 'day')).toEqual(['2026-11-30']);
  });

  it('week buckets named by their Monday, the first and last weeks partial', () => {
    // Sunday Nov 1 2026 is in the week of Monday Oct 26; Monday Nov 30 starts the last one.
    expect(bucketStarts('2026-11-01', '2026-11-30', 'week')).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    expect(bucketStarts('2026-11-03', '2026-11-05', 'week')).toEqual(['2026-11-02']);
  });

  it('a year of days at most is 366 buckets', () => {
    expect(bucketStarts('2028-01-01', '2028-12-31', 'day')).toHaveLength(366);
  });
});
