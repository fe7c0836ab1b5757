import type { Migration } from './migration.js';

/**
 * Retention and fleet health.
 *
 * - readings_hourly: the hourly tier of readings on the SQL store, one row per series (gateway,
 *   device, point) and hour: count, sum (mean = sum / count), min, max and the last value with its
 *   time, so an hour aggregated in two parts (late data) merges exactly. Kept longer than raw
 *   readings (cloud/telemetry/retention-policy.ts).
 * - BRIN indexes on event_time: the nightly purge deletes by time alone; telemetry is written in
 *   roughly event-time order, which a BRIN index summarises in a few pages per block range
 *   (PostgreSQL docs, "BRIN Indexes"), at a write cost far below a B-tree's on the ingest path.
 * - gateway_status.gateway_sent_at and clock_offset_ms: the gateway's clock at its last status
 *   (the envelope's sent_at) minus the cloud's receipt time, for the clock drift of fleet health.
 */
export const telemetryRetentionMigration: Migration = {
  id: '009-telemetry-retention',
  statements: [
    `CREATE TABLE readings_hourly (
      gateway_id text NOT NULL,
      estate_id text NOT NULL,
      device_id text NOT NULL,
      point text NOT NULL,
      hour timestamptz NOT NULL,
      unit text NOT NULL,
      count bigint NOT NULL,
      sum double precision NOT NULL,
      min double precision NOT NULL,
      max double precision NOT NULL,
      last double precision NOT NULL,
      last_time timestamptz NOT NULL,
      PRIMARY KEY (gateway_id, device_id, point, hour)
    )`,
    `CREATE INDEX readings_hourly_hour_idx ON readings_hourly USING brin (hour)`,
    `CREATE INDEX readings_event_time_brin ON readings USING brin (event_time)`,
    `CREATE INDEX events_event_time_brin ON events USING brin (event_time)`,
    `ALTER TABLE gateway_status ADD COLUMN gateway_sent_at timestamptz, ADD COLUMN clock_offset_ms bigint`,
  ],
};
