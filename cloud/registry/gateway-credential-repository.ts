import { scopeCondition } from '../access/access-scope.js';
import type { Caller } from '../access/caller.js';
import type { Permission } from '../access/permissions.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { SqlParams } from '../db/sql-params.js';
import { epochMs, epochMsOrNull, integer, timestampParam } from '../db/sql-values.js';

/** A gateway as the credential service places it: its estate decides who may manage its credential. */
export interface PlacedGateway {
  id: string;
  estateId: string;
}

export interface NewGatewayCredential {
  id: string;
  gatewayId: string;
  /** scrypt (shared/security/password-hash.ts), checked by the embedded cloud broker. */
  passwordHash: string;
  /** The same password for a Mosquitto password file (cloud/broker/mosquitto-password.ts). */
  mosquittoHash: string;
  createdAt: number;
  createdBy: string;
}

/**
 * none: never issued (the embedded broker still takes the cloud config's password, if any);
 * active: a password is in force; revoked: the last one issued was revoked and none replaced it.
 */
export type GatewayCredentialStateName = 'none' | 'active' | 'revoked';

/** What may be shown of a gateway's credential: never the password or its hashes. */
export interface GatewayCredentialState {
  gatewayId: string;
  estateId: string;
  state: GatewayCredentialStateName;
  /** The credential in force, or the last one revoked; null when none was ever issued. */
  credentialId: string | null;
  issuedAt: number | null;
  issuedBy: string | null;
  revokedAt: number | null;
  revokedBy: string | null;
  /** Passwords of the gateway replaced by a newer one (one per rotation). */
  rotations: number;
}

/** What the broker needs at a CONNECT: the hash in force, and whether the registry ever issued one. */
export interface GatewayLogin {
  inForceHash: string | null;
  issued: boolean;
}

export interface GatewayMosquittoHash {
  gatewayId: string;
  mosquittoHash: string;
}

interface LatestRow {
  id: string;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  rotations: string | number;
}

/** The credential in force: neither replaced by a rotation nor revoked (at most one per gateway, by a unique index). */
const inForce = (table: string): string => `${table}.replaced_at IS NULL AND ${table}.revoked_at IS NULL`;

/**
 * Gateways' MQTT credentials, one row per password issued. Reads that answer a caller are scoped by
 * the caller's grants in the SQL itself (cloud/access/README.md); the broker's check at CONNECT is
 * the system's own and unscoped.
 */
export class GatewayCredentialRepository {
  /**
   * The gateway, if it is of an estate where the caller holds a role (a stranger learns nothing of
   * it); lock: held FOR UPDATE to the end of the transaction, so two issues of one gateway's
   * credential run one after the other.
   */
  async placeGateway(tx: SqlExecutor, caller: Caller, gatewayId: string, options: { lock: boolean }): Promise<PlacedGateway | null> {
    const params = new SqlParams();
    const scope = scopeCondition(caller, 'estate.read', params, { estate: 'estate_id' });
    const { rows } = await tx.query<{ id: string; estate_id: string }>(
      `SELECT id, estate_id FROM gateways WHERE ${scope} AND id = ${params.add(gatewayId)}${options.lock ? ' FOR UPDATE' : ''}`,
      params.values,
    );
    const row = rows[0];
    return row ? { id: row.id, estateId: row.estate_id } : null;
  }

  async insert(tx: SqlExecutor, credential: NewGatewayCredential): Promise<void> {
    await tx.query(
      `INSERT INTO gateway_credentials (id, gateway_id, password_hash, mosquitto_hash, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [credential.id, credential.gatewayId, credential.passwordHash, credential.mosquittoHash, timestampParam(credential.createdAt), credential.createdBy],
    );
  }

  /** Ends the credential in force, replaced by a rotation or revoked; its id, or null when none was in force. */
  async endInForce(tx: SqlExecutor, gatewayId: string, how: 'replaced' | 'revoked', at: number, by: string): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE gateway_credentials SET ${how}_at = $2, ${how}_by = $3 WHERE gateway_id = $1 AND ${inForce('gateway_credentials')} RETURNING id`,
      [gatewayId, timestampParam(at), by],
    );
    return rows[0]?.id ?? null;
  }

  /** The gateway's credential as it may be shown. */
  async state(tx: SqlExecutor, gateway: PlacedGateway): Promise<GatewayCredentialState> {
    // The latest one issued is in force or revoked: a replaced one always has a successor.
    const { rows } = await tx.query<LatestRow>(
      `SELECT id, created_at, created_by, revoked_at, revoked_by,
         (SELECT count(*) FROM gateway_credentials r WHERE r.gateway_id = $1 AND r.replaced_at IS NOT NULL) AS rotations
       FROM gateway_credentials WHERE gateway_id = $1 AND replaced_at IS NULL
       ORDER BY created_at DESC, id DESC LIMIT 1`,
      [gateway.id],
    );
    const row = rows[0];
    return {
      gatewayId: gateway.id,
      estateId: gateway.estateId,
      state: row === undefined ? 'none' : row.revoked_at === null ? 'active' : 'revoked',
      credentialId: row?.id ?? null,
      issuedAt: row ? epochMs(row.created_at) : null,
      issuedBy: row?.created_by ?? null,
      revokedAt: epochMsOrNull(row?.revoked_at),
      revokedBy: row?.revoked_by ?? null,
      rotations: row ? integer(row.rotations) : 0,
    };
  }

  /** The Mosquitto hash of every credential in force of the estates where the caller holds the permission, by gateway id. */
  async mosquittoHashes(tx: SqlExecutor, caller: Caller, permission: Permission): Promise<GatewayMosquittoHash[]> {
    const params = new SqlParams();
    const scope = scopeCondition(caller, permission, params, { estate: 'g.estate_id' });
    const { rows } = await tx.query<{ gateway_id: string; mosquitto_hash: string }>(
      `SELECT c.gateway_id, c.mosquitto_hash FROM gateway_credentials c JOIN gateways g ON g.id = c.gateway_id
       WHERE ${scope} AND ${inForce('c')} ORDER BY c.gateway_id`,
      params.values,
    );
    return rows.map((row) => ({ gatewayId: row.gateway_id, mosquittoHash: row.mosquitto_hash }));
  }

  /** For the broker's check at CONNECT (the system's own read, unscoped). */
  async loginOf(tx: SqlExecutor, gatewayId: string): Promise<GatewayLogin> {
    const { rows } = await tx.query<{ in_force_hash: string | null; issued: boolean }>(
      `SELECT (SELECT c.password_hash FROM gateway_credentials c WHERE c.gateway_id = $1 AND ${inForce('c')}) AS in_force_hash,
              EXISTS (SELECT 1 FROM gateway_credentials WHERE gateway_id = $1) AS issued`,
      [gatewayId],
    );
    const row = rows[0];
    return { inForceHash: row?.in_force_hash ?? null, issued: row?.issued === true };
  }
}
