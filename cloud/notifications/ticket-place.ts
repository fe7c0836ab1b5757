import type { SubjectKind } from '../../shared/contract/index.js';
import type { SqlExecutor } from '../db/sql-database.js';
import type { PlaceFacts } from './message-context.js';

/**
 * Where a ticket's subject is, from the registry of migration 005: a unit by its building and label,
 * an asset by its building and name, a device by the unit or asset it is mapped to, a gateway by its
 * name. What is not in the registry (yet) keeps only its kind and id.
 */
export async function placeOf(tx: SqlExecutor, estateId: string, kind: SubjectKind, id: string): Promise<PlaceFacts> {
  const place: PlaceFacts = { building: null, unit: null, asset: null, gateway: null, device: null, subjectKind: kind, subjectId: id };
  if (kind === 'unit') return { ...place, ...(await unitPlace(tx, estateId, id)) };
  if (kind === 'asset') return { ...place, ...(await assetPlace(tx, estateId, id)) };
  if (kind === 'gateway') {
    const { rows } = await tx.query<{ name: string }>('SELECT name FROM gateways WHERE id = $1 AND estate_id = $2', [id, estateId]);
    return { ...place, gateway: rows[0]?.name ?? id };
  }
  const { rows } = await tx.query<{ unit_id: string | null; asset_id: string | null }>('SELECT unit_id, asset_id FROM devices WHERE estate_id = $1 AND id = $2', [estateId, id]);
  const mapped = rows[0];
  if (!mapped) return { ...place, device: id };
  const where = mapped.unit_id !== null ? await unitPlace(tx, estateId, mapped.unit_id) : await assetPlace(tx, estateId, mapped.asset_id!);
  return { ...place, ...where, device: id };
}

async function unitPlace(tx: SqlExecutor, estateId: string, unitId: string): Promise<Partial<PlaceFacts>> {
  const { rows } = await tx.query<{ label: string; building: string }>(
    `SELECT u.label, b.name AS building FROM units u JOIN buildings b ON b.estate_id = u.estate_id AND b.id = u.building_id
     WHERE u.estate_id = $1 AND u.id = $2`,
    [estateId, unitId],
  );
  const row = rows[0];
  return row ? { unit: row.label, building: row.building } : {};
}

async function assetPlace(tx: SqlExecutor, estateId: string, assetId: string): Promise<Partial<PlaceFacts>> {
  const { rows } = await tx.query<{ name: string; building: string | null }>(
    `SELECT a.name, b.name AS building FROM assets a LEFT JOIN buildings b ON b.estate_id = a.estate_id AND b.id = a.building_id
     WHERE a.estate_id = $1 AND a.id = $2`,
    [estateId, assetId],
  );
  const row = rows[0];
  return row ? { asset: row.name, building: row.building } : {};
}
