import type { Migration } from './migration.js';

/**
 * Versions of each gateway's rules config (care profiles and rule parameters): every change is a new
 * row, so what a gateway ran at any time, and who set it, is on record.
 */
export const gatewayConfigsMigration: Migration = {
  id: '002-gateway-configs',
  statements: [
    `CREATE TABLE gateway_configs (
      gateway_id text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
      version integer NOT NULL,
      rules jsonb NOT NULL,
      issued_at timestamptz NOT NULL,
      issued_by text NOT NULL,
      PRIMARY KEY (gateway_id, version)
    )`,
  ],
};
