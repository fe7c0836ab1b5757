import type { Migration } from './migration.js';

/**
 * Hourly activity aggregates of households enrolled in care (shared/contract/household-activity.ts),
 * kept by the SQL telemetry store, one row per household and hour (the item id names the same pair;
 * a resend overwrites the row with what it says). No foreign key to units: on an InfluxDB backend
 * the same rows live there instead, and a row outlives nothing but its consent (erasures below).
 *
 * household_activity_erasures: what the cloud must delete after a consent's withdrawal, due at
 * due_at, done_at set once the telemetry store deleted it (cloud/household-activity/activity-erasure.ts).
 */
export const householdActivityMigration: Migration = {
  id: '010-household-activity',
  statements: [
    `CREATE TABLE household_activity (
      estate_id text NOT NULL,
      household_id text NOT NULL,
      hour_start timestamptz NOT NULL,
      id text NOT NULL,
      gateway_id text NOT NULL,
      received_at timestamptz NOT NULL,
      door_openings integer,
      water_l double precision,
      energy_kwh double precision,
      above_standby_min double precision,
      routine jsonb,
      PRIMARY KEY (estate_id, household_id, hour_start)
    )`,
    `CREATE TABLE household_activity_erasures (
      estate_id text NOT NULL,
      household_id text NOT NULL,
      requested_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      done_at timestamptz,
      PRIMARY KEY (estate_id, household_id, requested_at)
    )`,
    `CREATE INDEX household_activity_erasures_due_idx ON household_activity_erasures (due_at) WHERE done_at IS NULL`,
  ],
};
