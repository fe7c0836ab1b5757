import type { TimeRange } from './telemetry-store.js';

/**
 * Reads for people rather than for machines: readings thinned in the store to a bounded number of
 * buckets per series (a ticket's evidence), and the newest data of each device (fleet health).
 * One implementation per backend: SQL (sql-evidence-reader.ts) and InfluxQL, which InfluxDB 1.x,
 * 2.x and 3.x all serve (influxql-evidence-reader.ts). The shared contract suite holds them equal.
 */
export interface ReadingBucketQuery extends TimeRange {
  /** Always given: a read never crosses estates, whatever else it names. */
  estateId: string;
  gatewayId: string;
  /** The devices whose readings are read; an empty list reads nothing. */
  deviceIds: readonly string[];
  /** Only readings in these units (a meter's flow and totals); every reading when omitted. */
  units?: readonly string[];
  /** Width of one bucket in ms (at least 1): buckets start at from, from + bucketMs, ... */
  bucketMs: number;
}

/**
 * One bucket of one series (device and point): what the readings in [start, start + width) were.
 * min and max keep a spike that the mean would hide; last is the value a gauge showed at the end.
 */
export interface ReadingBucket {
  deviceId: string;
  point: string;
  unit: string;
  /** Epoch ms. */
  start: number;
  count: number;
  mean: number;
  min: number;
  max: number;
  last: number;
}

export interface NewestDataQuery {
  estateId: string;
  gatewayId: string;
  deviceIds: readonly string[];
  /** Look no further back than this (epoch ms): older data is past raw retention or not worth a scan. */
  since: number;
}

export interface DeviceNewestData {
  deviceId: string;
  /** Event time of its newest reading or event (epoch ms); null when none since `since`. */
  newestAt: number | null;
}

export interface TelemetryEvidenceReader {
  /** Buckets with at least one reading, ordered by device, point and start. */
  readingBuckets(query: ReadingBucketQuery): Promise<ReadingBucket[]>;
  /** One answer per device asked for, in the order asked. */
  newestData(query: NewestDataQuery): Promise<DeviceNewestData[]>;
}

/** Most buckets one series of evidence is thinned to. */
export const MAX_POINTS_PER_SERIES = 300;

/**
 * The bucket width that fits [from, to) into at most maxPoints buckets: the span divided by the
 * count, rounded up to a whole second (InfluxQL durations and SQL intervals both take it exactly).
 */
export function bucketWidthFor(range: TimeRange, maxPoints: number = MAX_POINTS_PER_SERIES): number {
  const span = Math.max(1, range.to - range.from);
  return Math.max(1_000, Math.ceil(span / maxPoints / 1_000) * 1_000);
}
