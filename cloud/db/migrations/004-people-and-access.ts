import type { Migration } from './migration.js';

/**
 * Staff accounts and their roles per estate, sessions and API tokens (stored as SHA-256 of the
 * secret, never the secret), the sign-in throttle, and the audit log of reads and changes of
 * residents' data. Times come from the service's clock, never now(), so expiry and lockout follow
 * the clock tests drive.
 */
export const peopleAndAccessMigration: Migration = {
  id: '004-people-and-access',
  statements: [
    `CREATE TABLE staff (
      id text PRIMARY KEY,
      login text NOT NULL UNIQUE,
      display_name text NOT NULL,
      password_hash text,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      password_changed_at timestamptz
    )`,
    // estate_id NULL: an admin of every estate, present and future (the installation's administrator).
    `CREATE TABLE staff_roles (
      staff_id text NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
      estate_id text REFERENCES estates (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('housekeeper', 'facilities', 'lift_contractor', 'supervisor', 'estate_manager', 'admin')),
      building_ids text[],
      granted_at timestamptz NOT NULL,
      granted_by text NOT NULL,
      CHECK (estate_id IS NOT NULL OR (role = 'admin' AND building_ids IS NULL)),
      CHECK (building_ids IS NULL OR role = 'housekeeper')
    )`,
    `CREATE UNIQUE INDEX staff_roles_grant_idx ON staff_roles (staff_id, COALESCE(estate_id, ''), role)`,
    `CREATE INDEX staff_roles_estate_idx ON staff_roles (estate_id)`,
    `CREATE TABLE sessions (
      id text PRIMARY KEY,
      token_hash text NOT NULL UNIQUE,
      staff_id text NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      idle_expires_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_by text
    )`,
    `CREATE INDEX sessions_staff_idx ON sessions (staff_id)`,
    `CREATE TABLE api_tokens (
      id text PRIMARY KEY,
      token_hash text NOT NULL UNIQUE,
      staff_id text NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
      name text NOT NULL,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      revoked_by text
    )`,
    `CREATE INDEX api_tokens_staff_idx ON api_tokens (staff_id)`,
    // key: "login:<name>" or "address:<ip>"; failures counted within the window that started at window_started_at.
    `CREATE TABLE sign_in_throttle (
      key text PRIMARY KEY,
      failures integer NOT NULL,
      window_started_at timestamptz NOT NULL,
      locked_until timestamptz
    )`,
    // estate_id NULL: an installation-wide change (an administrator of every estate created).
    `CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      estate_id text REFERENCES estates (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('read', 'change')),
      action text NOT NULL,
      unit_id text,
      subject_id text,
      actor_kind text NOT NULL,
      actor_id text NOT NULL,
      actor_via text,
      purpose text,
      route text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb
    )`,
    `CREATE INDEX audit_log_estate_idx ON audit_log (estate_id, id DESC)`,
    `CREATE INDEX audit_log_household_idx ON audit_log (estate_id, unit_id, id DESC)`,
  ],
};
