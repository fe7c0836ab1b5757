import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, timestampParam } from '../db/sql-values.js';
import type { ChannelKind } from './channels/channel-kind.js';
import type { MessageLanguage } from './message-catalogue.js';

/** A channel as the API may show it: the secret only as whether there is one. */
export interface ChannelRecord {
  id: string;
  estateId: string;
  kind: ChannelKind;
  name: string;
  /** As stored; redact it (channel-url-redaction.ts) before it leaves the service. */
  url: string | null;
  hasSecret: boolean;
  language: MessageLanguage;
  showResidentNames: boolean;
  enabled: boolean;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
}

export interface StoredChannel {
  id: string;
  estateId: string;
  kind: ChannelKind;
  name: string;
  url: string | null;
  secret: string | null;
  language: MessageLanguage;
  showResidentNames: boolean;
  enabled: boolean;
}

interface ChannelRow {
  id: string;
  estate_id: string;
  kind: ChannelKind;
  name: string;
  url: string | null;
  has_secret: boolean;
  language: MessageLanguage;
  show_resident_names: boolean;
  enabled: boolean;
  created_at: Date;
  created_by: string;
  updated_at: Date;
}

const COLUMNS = 'id, estate_id, kind, name, url, secret IS NOT NULL AS has_secret, language, show_resident_names, enabled, created_at, created_by, updated_at';

function toRecord(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    estateId: row.estate_id,
    kind: row.kind,
    name: row.name,
    url: row.url,
    hasSecret: row.has_secret,
    language: row.language,
    showResidentNames: row.show_resident_names,
    enabled: row.enabled,
    createdAt: epochMs(row.created_at),
    createdBy: row.created_by,
    updatedAt: epochMs(row.updated_at),
  };
}

/** The notification channels of estates; a deleted channel is kept (its deliveries refer to it) but never listed or used. */
export class ChannelRepository {
  async insert(tx: SqlExecutor, channel: StoredChannel, at: number, by: string): Promise<ChannelRecord> {
    const { rows } = await tx.query<ChannelRow>(
      `INSERT INTO notification_channels (id, estate_id, kind, name, url, secret, language, show_resident_names, enabled, created_at, created_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) RETURNING ${COLUMNS}`,
      [channel.id, channel.estateId, channel.kind, channel.name, channel.url, channel.secret, channel.language, channel.showResidentNames, channel.enabled, timestampParam(at), by],
    );
    return toRecord(rows[0]!);
  }

  async list(tx: SqlExecutor, estateId: string): Promise<ChannelRecord[]> {
    const { rows } = await tx.query<ChannelRow>(`SELECT ${COLUMNS} FROM notification_channels WHERE estate_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`, [estateId]);
    return rows.map(toRecord);
  }

  /** The channel with its secret, locked for a change; null when there is none in the estate. */
  async findForUpdate(tx: SqlExecutor, estateId: string, id: string): Promise<StoredChannel | null> {
    const { rows } = await tx.query<Omit<ChannelRow, 'has_secret'> & { secret: string | null }>(
      `SELECT id, estate_id, kind, name, url, secret, language, show_resident_names, enabled FROM notification_channels
       WHERE estate_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE`,
      [estateId, id],
    );
    const row = rows[0];
    return row
      ? { id: row.id, estateId: row.estate_id, kind: row.kind, name: row.name, url: row.url, secret: row.secret, language: row.language, showResidentNames: row.show_resident_names, enabled: row.enabled }
      : null;
  }

  async update(tx: SqlExecutor, channel: StoredChannel, at: number): Promise<ChannelRecord> {
    const { rows } = await tx.query<ChannelRow>(
      `UPDATE notification_channels SET name = $2, url = $3, secret = $4, language = $5, show_resident_names = $6, enabled = $7, updated_at = $8
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [channel.id, channel.name, channel.url, channel.secret, channel.language, channel.showResidentNames, channel.enabled, timestampParam(at)],
    );
    return toRecord(rows[0]!);
  }

  /** Takes it out of the estate's channels; deliveries still waiting on it are cancelled when they come up (delivery-claims.ts). */
  async remove(tx: SqlExecutor, id: string, at: number): Promise<void> {
    await tx.query('UPDATE notification_channels SET deleted_at = $2, enabled = false, updated_at = $2 WHERE id = $1', [id, timestampParam(at)]);
  }
}
