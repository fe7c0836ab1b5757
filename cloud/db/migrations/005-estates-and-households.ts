import type { Migration } from './migration.js';

/**
 * What an estate is made of (buildings, units, assets; devices mapped to a unit or an asset on a
 * gateway of the same estate) and the care records of households: consent (kept after withdrawal),
 * emergency contacts, carers with their visit windows, away periods. Ids of buildings, units,
 * assets and devices are local to their estate. care_households.version is the optimistic lock:
 * every change to a household's care record raises it by one.
 */
export const estatesAndHouseholdsMigration: Migration = {
  id: '005-estates-and-households',
  statements: [
    // Lets devices refer to (gateway, estate), so a device can only be on a gateway of its own estate.
    `ALTER TABLE gateways ADD CONSTRAINT gateways_id_estate_key UNIQUE (id, estate_id)`,
    `CREATE TABLE buildings (
      estate_id text NOT NULL REFERENCES estates (id),
      id text NOT NULL,
      name text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (estate_id, id)
    )`,
    `CREATE TABLE units (
      estate_id text NOT NULL,
      id text NOT NULL,
      building_id text NOT NULL,
      label text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (estate_id, id),
      FOREIGN KEY (estate_id, building_id) REFERENCES buildings (estate_id, id)
    )`,
    `CREATE INDEX units_building_idx ON units (estate_id, building_id)`,
    `CREATE TABLE assets (
      estate_id text NOT NULL REFERENCES estates (id),
      id text NOT NULL,
      building_id text,
      kind text NOT NULL CHECK (kind IN ('lift', 'water_main')),
      name text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (estate_id, id),
      FOREIGN KEY (estate_id, building_id) REFERENCES buildings (estate_id, id)
    )`,
    `CREATE TABLE devices (
      estate_id text NOT NULL,
      id text NOT NULL,
      gateway_id text NOT NULL,
      unit_id text,
      asset_id text,
      profile text NOT NULL,
      mapped_at timestamptz NOT NULL,
      PRIMARY KEY (estate_id, id),
      FOREIGN KEY (gateway_id, estate_id) REFERENCES gateways (id, estate_id),
      FOREIGN KEY (estate_id, unit_id) REFERENCES units (estate_id, id),
      FOREIGN KEY (estate_id, asset_id) REFERENCES assets (estate_id, id),
      CHECK ((unit_id IS NULL) <> (asset_id IS NULL))
    )`,
    `CREATE INDEX devices_gateway_idx ON devices (gateway_id)`,
    `CREATE TABLE care_households (
      estate_id text NOT NULL,
      unit_id text NOT NULL,
      version integer NOT NULL,
      lives_alone boolean NOT NULL,
      settings jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (estate_id, unit_id),
      FOREIGN KEY (estate_id, unit_id) REFERENCES units (estate_id, id)
    )`,
    `CREATE TABLE care_consents (
      id text PRIMARY KEY,
      estate_id text NOT NULL,
      unit_id text NOT NULL,
      given_by text NOT NULL,
      given_at timestamptz NOT NULL,
      scope text NOT NULL,
      document_ref text NOT NULL,
      recorded_at timestamptz NOT NULL,
      recorded_by text NOT NULL,
      withdrawn_at timestamptz,
      withdrawal_recorded_at timestamptz,
      withdrawal_recorded_by text,
      withdrawal_note text,
      FOREIGN KEY (estate_id, unit_id) REFERENCES care_households (estate_id, unit_id)
    )`,
    // At most one consent in force per household; withdrawn ones stay on record.
    `CREATE UNIQUE INDEX care_consents_in_force_idx ON care_consents (estate_id, unit_id) WHERE withdrawn_at IS NULL`,
    `CREATE TABLE emergency_contacts (
      id text PRIMARY KEY,
      estate_id text NOT NULL,
      unit_id text NOT NULL,
      name text NOT NULL,
      relationship text NOT NULL,
      phone text NOT NULL,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (estate_id, unit_id) REFERENCES care_households (estate_id, unit_id)
    )`,
    `CREATE INDEX emergency_contacts_household_idx ON emergency_contacts (estate_id, unit_id)`,
    `CREATE TABLE carers (
      id text PRIMARY KEY,
      estate_id text NOT NULL,
      unit_id text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('carer', 'visitor')),
      visits jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (estate_id, unit_id) REFERENCES care_households (estate_id, unit_id)
    )`,
    `CREATE INDEX carers_household_idx ON carers (estate_id, unit_id)`,
    `CREATE TABLE away_periods (
      id text PRIMARY KEY,
      estate_id text NOT NULL,
      unit_id text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      reason text NOT NULL CHECK (reason IN ('travel', 'hospital', 'other')),
      recorded_at timestamptz NOT NULL,
      recorded_by text NOT NULL,
      CHECK (starts_at < ends_at),
      FOREIGN KEY (estate_id, unit_id) REFERENCES care_households (estate_id, unit_id)
    )`,
    `CREATE INDEX away_periods_household_idx ON away_periods (estate_id, unit_id, starts_at)`,
  ],
};
