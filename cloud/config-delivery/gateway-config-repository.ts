import type { RulesConfig } from '../../shared/contract/index.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { epochMs, jsonParam, timestampParam } from '../db/sql-values.js';

export interface StoredGatewayConfig {
  gatewayId: string;
  /** 1, 2, 3... per gateway; on the wire as its decimal string (config_version). */
  version: number;
  rules: RulesConfig;
  issuedAt: number;
  issuedBy: string;
}

interface ConfigRow {
  gateway_id: string;
  version: number;
  rules: RulesConfig;
  issued_at: Date;
  issued_by: string;
}

/** Every version of every gateway's rules config, newest last. */
export class GatewayConfigRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** Stores the next version for the gateway; the version number comes from the database, in one statement. */
  /**
   * Stores the version after `previousVersion` (0: the first). Someone else's version stored since
   * that was read makes this a unique violation (the primary key is gateway id and version), so a
   * change made from a stale read is never stored over a newer one.
   */
  async appendAfter(gatewayId: string, previousVersion: number, rules: RulesConfig, issuedAt: number, issuedBy: string): Promise<StoredGatewayConfig> {
    const { rows } = await this.db.query<ConfigRow>(
      `INSERT INTO gateway_configs (gateway_id, version, rules, issued_at, issued_by)
       VALUES ($1, $2, $3::jsonb, $4, $5)
       RETURNING gateway_id, version, rules, issued_at, issued_by`,
      [gatewayId, previousVersion + 1, jsonParam(rules), timestampParam(issuedAt), issuedBy],
    );
    return toStored(rows[0]!);
  }

  async latest(gatewayId: string): Promise<StoredGatewayConfig | null> {
    const { rows } = await this.db.query<ConfigRow>(
      `SELECT gateway_id, version, rules, issued_at, issued_by FROM gateway_configs WHERE gateway_id = $1 ORDER BY version DESC LIMIT 1`,
      [gatewayId],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** The newest version of every gateway that has one: what the cloud (re)publishes at start. */
  async latestOfAll(): Promise<StoredGatewayConfig[]> {
    const { rows } = await this.db.query<ConfigRow>(
      `SELECT DISTINCT ON (gateway_id) gateway_id, version, rules, issued_at, issued_by
       FROM gateway_configs ORDER BY gateway_id, version DESC`,
    );
    return rows.map(toStored);
  }
}

function toStored(row: ConfigRow): StoredGatewayConfig {
  return { gatewayId: row.gateway_id, version: row.version, rules: row.rules, issuedAt: epochMs(row.issued_at), issuedBy: row.issued_by };
}
