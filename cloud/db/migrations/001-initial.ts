import type { Migration } from './migration.js';

/** Registry, tickets with their audit trail, and the SQL telemetry tables (the embedded default). */
export const initialMigration: Migration = {
  id: '001-initial',
  statements: [
    `CREATE TABLE estates (
      id text PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE gateways (
      id text PRIMARY KEY,
      estate_id text NOT NULL REFERENCES estates (id),
      name text NOT NULL,
      password_hash text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX gateways_estate_idx ON gateways (estate_id)`,
    `CREATE TABLE gateway_status (
      gateway_id text PRIMARY KEY REFERENCES gateways (id) ON DELETE CASCADE,
      online boolean NOT NULL,
      status jsonb NOT NULL,
      watermark timestamptz,
      last_seen_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    // episode_id UNIQUE is what keeps one ticket per alert episode when redeliveries race.
    `CREATE TABLE tickets (
      id text PRIMARY KEY,
      episode_id text NOT NULL UNIQUE,
      estate_id text NOT NULL REFERENCES estates (id),
      gateway_id text NOT NULL REFERENCES gateways (id),
      type text NOT NULL,
      priority text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3')),
      status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'on_site', 'resolved', 'closed')),
      rule text NOT NULL,
      subject_kind text NOT NULL,
      subject_id text NOT NULL,
      severity text NOT NULL,
      reason_zh text NOT NULL,
      reason_en text NOT NULL,
      evidence jsonb NOT NULL,
      alert_state text NOT NULL CHECK (alert_state IN ('raised', 'updated', 'cleared')),
      alert_revision integer NOT NULL,
      raised_at timestamptz NOT NULL,
      opened_at timestamptz NOT NULL,
      ack_due_at timestamptz NOT NULL,
      on_site_due_at timestamptz NOT NULL,
      acknowledged_at timestamptz,
      acknowledged_by text,
      on_site_at timestamptz,
      resolved_at timestamptz,
      resolved_by text,
      outcome_code text,
      outcome_note text,
      alert_cleared_at timestamptz,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE INDEX tickets_opened_idx ON tickets (opened_at DESC, id DESC)`,
    `CREATE INDEX tickets_estate_opened_idx ON tickets (estate_id, opened_at DESC, id DESC)`,
    `CREATE INDEX tickets_status_opened_idx ON tickets (status, opened_at DESC)`,
    `CREATE TABLE ticket_audit (
      id bigserial PRIMARY KEY,
      ticket_id text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb
    )`,
    `CREATE INDEX ticket_audit_ticket_idx ON ticket_audit (ticket_id, id)`,
    // Item ids are unique per gateway (a device serial number need not be unique across estates), so
    // the idempotency key of telemetry is (gateway_id, id).
    `CREATE TABLE events (
      gateway_id text NOT NULL,
      id text NOT NULL,
      estate_id text NOT NULL,
      device_id text NOT NULL,
      subject_kind text NOT NULL,
      subject_id text NOT NULL,
      type text NOT NULL,
      event_time timestamptz NOT NULL,
      attributes jsonb NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (gateway_id, id)
    )`,
    `CREATE INDEX events_gateway_time_idx ON events (gateway_id, event_time)`,
    `CREATE INDEX events_device_time_idx ON events (device_id, event_time)`,
    `CREATE TABLE readings (
      gateway_id text NOT NULL,
      id text NOT NULL,
      estate_id text NOT NULL,
      device_id text NOT NULL,
      point text NOT NULL,
      value double precision NOT NULL,
      unit text NOT NULL,
      event_time timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (gateway_id, id)
    )`,
    `CREATE INDEX readings_gateway_time_idx ON readings (gateway_id, event_time)`,
    `CREATE INDEX readings_device_time_idx ON readings (device_id, event_time)`,
  ],
};
