import type { Migration } from './migration.js';

/**
 * MQTT credentials of gateways, issued by an administrator of the gateway's estate. One row per
 * password ever issued: the one in force has neither replaced_at (a rotation issued its successor)
 * nor revoked_at; at most one per gateway is in force. password_hash is the scrypt hash the
 * embedded cloud broker checks at every CONNECT (shared/security/password-hash.ts);
 * mosquitto_hash is the same password as a Mosquitto 2 password-file hash ("$7$" PBKDF2-SHA512),
 * made when the password was issued, the only moment it is known. Times come from the service's
 * clock, never now().
 */
export const gatewayCredentialsMigration: Migration = {
  id: '006-gateway-credentials',
  statements: [
    `CREATE TABLE gateway_credentials (
      id text PRIMARY KEY,
      gateway_id text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
      password_hash text NOT NULL,
      mosquitto_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      replaced_at timestamptz,
      replaced_by text,
      revoked_at timestamptz,
      revoked_by text,
      CHECK (replaced_at IS NULL OR revoked_at IS NULL)
    )`,
    `CREATE UNIQUE INDEX gateway_credentials_in_force_idx ON gateway_credentials (gateway_id) WHERE replaced_at IS NULL AND revoked_at IS NULL`,
    `CREATE INDEX gateway_credentials_gateway_idx ON gateway_credentials (gateway_id, created_at DESC)`,
  ],
};
