import type { GatewayStatus } from '../../shared/contract/index.js';
import { fromWireTime } from '../../shared/contract/index.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { SqlParams, whereClause } from '../db/sql-params.js';
import { epochMsOrNull, jsonParam, timestampParam, timestampParamOrNull } from '../db/sql-values.js';
import { hashPassword, verifyPassword } from '../../shared/security/password-hash.js';

/** Rows of one INSERT when the registry is seeded: well under PostgreSQL's limits, one round trip per thousand gateways. */
export const GATEWAYS_PER_STATEMENT = 1_000;

export interface EstateInput {
  id: string;
  name: string;
}

export interface GatewayInput {
  id: string;
  estateId: string;
  name: string;
  /**
   * The cloud config's password of the gateway, stored as a scrypt hash; when omitted, a stored
   * password is kept as it is. It counts only until the registry issues a credential
   * (gateway-login-check.ts).
   */
  password?: string;
}

export interface GatewayRecord {
  id: string;
  estateId: string;
  name: string;
}

/** A gateway and the last status it reported; status fields are null until it has reported one. */
export interface GatewayStatusRecord extends GatewayRecord {
  online: boolean;
  status: GatewayStatus | null;
  /** Everything with an event time up to this instant has been delivered (epoch ms). */
  watermark: number | null;
  lastSeenAt: number | null;
  updatedAt: number | null;
  // ---- Gateway clock (begin) ----
  /** The gateway's clock at its last online status (the envelope's sent_at), epoch ms. */
  gatewaySentAt: number | null;
  /** That sent_at minus the cloud's receipt time, ms: positive is a gateway clock ahead (gateway-clock.ts). */
  clockOffsetMs: number | null;
  // ---- Gateway clock (end) ----
}

interface GatewayStatusRow {
  id: string;
  estate_id: string;
  name: string;
  online: boolean | null;
  status: GatewayStatus | null;
  watermark: Date | null;
  last_seen_at: Date | null;
  updated_at: Date | null;
  gateway_sent_at: Date | null;
  clock_offset_ms: string | number | null;
}

/**
 * Estates, their gateways and each gateway's last status. Ingest learns a gateway's estate here: the
 * estate always comes from the registry, never from what the gateway says.
 */
export class RegistryRepository {
  constructor(private readonly db: SqlDatabase) {}

  async upsertEstate(estate: EstateInput): Promise<void> {
    await this.db.query(
      `INSERT INTO estates (id, name) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
      [estate.id, estate.name],
    );
  }

  async upsertGateway(gateway: GatewayInput): Promise<void> {
    const passwordHash = gateway.password === undefined ? null : await hashPassword(gateway.password);
    await this.db.query(
      `INSERT INTO gateways (id, estate_id, name, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET
         estate_id = EXCLUDED.estate_id,
         name = EXCLUDED.name,
         password_hash = COALESCE(EXCLUDED.password_hash, gateways.password_hash)`,
      [gateway.id, gateway.estateId, gateway.name, passwordHash],
    );
  }

  /**
   * Upserts the gateways of one estate in a few statements (GATEWAYS_PER_STATEMENT rows each), not
   * one per gateway: the registry of a large fleet is seeded at every start. Stored passwords are
   * kept as they are.
   */
  async upsertGatewaysOfEstate(estateId: string, gateways: ReadonlyArray<{ id: string; name: string }>): Promise<void> {
    for (let start = 0; start < gateways.length; start += GATEWAYS_PER_STATEMENT) {
      const chunk = gateways.slice(start, start + GATEWAYS_PER_STATEMENT);
      await this.db.query(
        `INSERT INTO gateways (id, estate_id, name)
         SELECT id, $1, name FROM unnest($2::text[], $3::text[]) AS g(id, name)
         ON CONFLICT (id) DO UPDATE SET estate_id = EXCLUDED.estate_id, name = EXCLUDED.name`,
        [estateId, chunk.map((g) => g.id), chunk.map((g) => g.name)],
      );
    }
  }

  /** Stores the scrypt hash of the gateway's configured password (config-gateway-passwords.ts hashes it). */
  async storeGatewayPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE gateways SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
  }

  async getGateway(id: string): Promise<GatewayRecord | null> {
    const { rows } = await this.db.query<{ id: string; estate_id: string; name: string }>(
      'SELECT id, estate_id, name FROM gateways WHERE id = $1',
      [id],
    );
    const row = rows[0];
    return row ? { id: row.id, estateId: row.estate_id, name: row.name } : null;
  }

  /** The cloud config's password; false for an unknown gateway or one registered without a password. */
  async verifyGatewayPassword(id: string, password: string): Promise<boolean> {
    const { rows } = await this.db.query<{ password_hash: string | null }>(
      'SELECT password_hash FROM gateways WHERE id = $1',
      [id],
    );
    const stored = rows[0]?.password_hash;
    return stored ? verifyPassword(password, stored) : false;
  }

  /**
   * Keeps the gateway's latest status. The retained status message can arrive again or late, so a
   * status received before the stored one is ignored. An offline status (the last will) carries no
   * watermark; the last known one is kept. The gateway must be registered (foreign key).
   *
   * sentAt, the envelope's sent_at on the gateway's clock, of an online status gives the clock
   * offset (sentAt - receivedAt). Only a status sent after the one last measured counts: the
   * retained status redelivered on the cloud's reconnect carries the sent_at already measured, and
   * its late receipt would read as a slow clock; an offline status is the broker's last will, set
   * when the gateway connected, so it carries no time worth comparing.
   */
  async recordStatus(gatewayId: string, status: GatewayStatus, receivedAt: number, sentAt?: number): Promise<void> {
    const watermark = status.online && status.watermark !== null ? fromWireTime(status.watermark) : null;
    const clockSentAt = status.online && sentAt !== undefined ? sentAt : null;
    await this.db.query(
      `INSERT INTO gateway_status (gateway_id, online, status, watermark, last_seen_at, updated_at, gateway_sent_at, clock_offset_ms)
       VALUES ($1, $2, $3::jsonb, $4::timestamptz, $5::timestamptz, $5::timestamptz, $6::timestamptz, $7::bigint)
       ON CONFLICT (gateway_id) DO UPDATE SET
         online = EXCLUDED.online,
         status = EXCLUDED.status,
         watermark = CASE WHEN EXCLUDED.online THEN EXCLUDED.watermark ELSE gateway_status.watermark END,
         last_seen_at = EXCLUDED.last_seen_at,
         updated_at = EXCLUDED.updated_at,
         gateway_sent_at = CASE WHEN EXCLUDED.gateway_sent_at > COALESCE(gateway_status.gateway_sent_at, '-infinity') THEN EXCLUDED.gateway_sent_at ELSE gateway_status.gateway_sent_at END,
         clock_offset_ms = CASE WHEN EXCLUDED.gateway_sent_at > COALESCE(gateway_status.gateway_sent_at, '-infinity') THEN EXCLUDED.clock_offset_ms ELSE gateway_status.clock_offset_ms END
       WHERE gateway_status.last_seen_at <= EXCLUDED.last_seen_at`,
      [
        gatewayId,
        status.online,
        jsonParam(status),
        timestampParamOrNull(watermark),
        timestampParam(receivedAt),
        timestampParamOrNull(clockSentAt),
        clockSentAt === null ? null : Math.round(clockSentAt - receivedAt),
      ],
    );
  }

  /** The config version the gateway reported in its last online status; null offline or before any. */
  async reportedConfigVersion(gatewayId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ version: string | null }>(
      `SELECT status->>'config_version' AS version FROM gateway_status WHERE gateway_id = $1`,
      [gatewayId],
    );
    return rows[0]?.version ?? null;
  }

  /** Every registered gateway (optionally of one estate, or one gateway) with its last status, ordered by estate and id. */
  /** estateIds: only gateways of these estates (none when empty); omitted, every estate's. */
  async listGatewayStatus(filter: { estateIds?: readonly string[]; estateId?: string | undefined; gatewayId?: string | undefined } = {}): Promise<GatewayStatusRecord[]> {
    const params = new SqlParams();
    const where: string[] = [];
    if (filter.estateIds !== undefined) where.push(`g.estate_id = ANY(${params.add([...filter.estateIds])}::text[])`);
    if (filter.estateId !== undefined) where.push(`g.estate_id = ${params.add(filter.estateId)}`);
    if (filter.gatewayId !== undefined) where.push(`g.id = ${params.add(filter.gatewayId)}`);
    const { rows } = await this.db.query<GatewayStatusRow>(
      `SELECT g.id, g.estate_id, g.name, s.online, s.status, s.watermark, s.last_seen_at, s.updated_at, s.gateway_sent_at, s.clock_offset_ms
       FROM gateways g LEFT JOIN gateway_status s ON s.gateway_id = g.id${whereClause(where)}
       ORDER BY g.estate_id, g.id`,
      params.values,
    );
    return rows.map((row) => ({
      id: row.id,
      estateId: row.estate_id,
      name: row.name,
      online: row.online ?? false,
      status: row.status,
      watermark: epochMsOrNull(row.watermark),
      lastSeenAt: epochMsOrNull(row.last_seen_at),
      updatedAt: epochMsOrNull(row.updated_at),
      gatewaySentAt: epochMsOrNull(row.gateway_sent_at),
      clockOffsetMs: row.clock_offset_ms === null ? null : Number(row.clock_offset_ms),
    }));
  }
}
